import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliFailure, EXIT } from './cli-context.js';

/** Answers of the gateway API, read loosely: the demo prints them, the API reference types them. */
export type Json = any;

/** A step of the scenario that did not happen: the demo ends incomplete, naming it. */
export class StepMissing extends Error {}

/**
 * The demo's side of a running gateway: its API called with the admin token (or another), a step
 * waited for until it is seen or the timeout passes, and each step seen printed with its number.
 */
export class DemoSession {
  private step = 0;

  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  show(what: string, detail: string): void {
    this.step += 1;
    out(`${String(this.step).padStart(2)}. ${what.padEnd(22, ' ')} ${detail}`);
  }

  /** Polls `probe` until it returns a value, or fails naming the step after the timeout. */
  async until<T>(what: string, probe: () => Promise<T | undefined>, first?: () => Promise<void>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    await first?.();
    let last: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined && value !== null) return value;
      } catch (error) {
        // A refused credential does not get better by waiting.
        if (error instanceof CliFailure) throw error;
        last = error;
      }
      if (Date.now() > deadline)
        throw new StepMissing(
          `${what} not seen within ${this.timeoutMs / 1000} s${last ? ` (${(last as Error).message})` : ''}`,
        );
      await sleep(250);
    }
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    as: { token?: string; contentType?: string } = {},
  ): Promise<Json> {
    const headers: Record<string, string> = { Authorization: `Bearer ${as.token ?? this.token}` };
    if (body !== undefined) {
      headers['Content-Type'] = as.contentType ?? 'application/json';
      if (as.contentType) headers['Idempotency-Key'] = randomUUID();
    }
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const parsed = text ? safeJson(text) : null;
    if (res.status === 404 && method === 'GET') return undefined;
    if (!res.ok) {
      if (res.status === 401 || res.status === 403)
        throw new CliFailure(
          `${method} ${path}: ${res.status} — is the token an admin token of this gateway?`,
          EXIT.failure,
        );
      throw new Error(`${method} ${path}: ${res.status} ${parsed?.detail ?? text.slice(0, 300)}`);
    }
    return parsed;
  }
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function safeJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}
