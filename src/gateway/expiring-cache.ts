/**
 * A small in-process cache whose entries expire after a fixed time and which holds at most
 * `maxEntries` (the oldest insertions go first). Used so that checking a credential is not a database
 * round trip per request, while a revocation still takes effect everywhere within the TTL.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores the value for the TTL, or until `until` (epoch ms) if that is sooner. */
  set(key: K, value: V, until?: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const expires = this.now() + this.ttlMs;
    this.entries.set(key, { value, until: until === undefined ? expires : Math.min(expires, until) });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
