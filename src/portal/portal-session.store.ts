import session from 'express-session';
import type { DataSource } from 'typeorm';
import { queryRows } from '../platform/database/sql.js';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/**
 * A session's expiry moves forward at most once a minute: express-session touches the session at the
 * end of every request (rolling cookies), and a write per page view cost the portal a committed
 * UPDATE each time. The idle timeout is then honoured to within this minute.
 */
const TOUCH_SLACK_MS = 60_000;

/**
 * express-session's store in PostgreSQL (or the embedded PGlite) through the gateway's DataSource:
 * one row per session with its user, so "log out everywhere" is one DELETE and a deactivated user's
 * sessions end at once. Expired rows are never returned, and are deleted now and then.
 */
export class DatabaseSessionStore extends session.Store {
  private lastSweep = 0;
  /** Expiry of each session read by a request still running (get → touch), to skip needless touches. */
  private readonly expiresAt = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly idleMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    queryRows<{ data: session.SessionData; expires_ms: number }>(
      this.dataSource,
      `SELECT data, (extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms
         FROM portal_session WHERE sid = $1 AND expires_at > now()`,
      [sid],
    ).then(
      ([row]) => {
        if (row) this.remember(sid, row.expires_ms);
        callback(undefined, row?.data ?? null);
      },
      (error) => callback(error),
    );
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const userId = typeof data.userId === 'string' ? data.userId : null;
    this.dataSource
      .query(
        `INSERT INTO portal_session (sid, user_id, data, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT ON CONSTRAINT pk_portal_session
         DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
        [sid, userId, JSON.stringify(data), this.ttlSeconds(data)],
      )
      .then(() => this.sweep())
      .then(
        () => callback?.(),
        (error) => callback?.(error),
      );
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    const known = this.expiresAt.get(sid);
    this.expiresAt.delete(sid);
    if (known !== undefined && Date.now() + this.ttlSeconds(data) * 1000 - known < TOUCH_SLACK_MS) {
      callback?.();
      return;
    }
    this.dataSource
      .query(
        `UPDATE portal_session SET expires_at = now() + make_interval(secs => $2) WHERE sid = $1 AND expires_at > now()`,
        [sid, this.ttlSeconds(data)],
      )
      .then(
        () => callback?.(),
        (error) => callback?.(error),
      );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.expiresAt.delete(sid);
    this.dataSource.query(`DELETE FROM portal_session WHERE sid = $1`, [sid]).then(
      () => callback?.(),
      (error) => callback?.(error),
    );
  }

  /** Bounded: a request that ends without a touch (an error, a destroyed session) must not leak. */
  private remember(sid: string, expiresMs: number): void {
    if (this.expiresAt.size >= 10_000) this.expiresAt.clear();
    this.expiresAt.set(sid, expiresMs);
  }

  private ttlSeconds(data: session.SessionData): number {
    const maxAge = data.cookie?.maxAge;
    return Math.max(1, Math.round((typeof maxAge === 'number' ? maxAge : this.idleMs) / 1000));
  }

  /** Expired rows go at most every ten minutes per process; reads ignore them meanwhile. */
  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < 10 * 60_000) return;
    this.lastSweep = Date.now();
    await this.dataSource.query(`DELETE FROM portal_session WHERE expires_at < now()`);
  }
}

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user (app_user.id); absent before login. */
    userId?: string;
    /** The synchronizer token every form posts back (CSRF). */
    csrfToken?: string;
    /** When the user signed in (ISO), for the account page. */
    signedInAt?: string;
    /** Messages shown once on the next page. */
    flash?: { kind: 'info' | 'error'; text: string }[];
    /** A secret shown once (a new API key) on the next page. */
    reveal?: { label: string; secret: string };
  }
}
