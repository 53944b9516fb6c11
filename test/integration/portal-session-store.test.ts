import type session from 'express-session';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseSessionStore } from '../../src/portal/portal-session.store.js';
import { startTestGateway } from '../support/gateway.js';
import { createTestDatabase, queryOnce, type TestDatabase } from '../support/postgres.js';

const IDLE_MS = 60 * 60_000;
const DATA = { cookie: { maxAge: IDLE_MS, originalMaxAge: IDLE_MS } } as session.SessionData;

/** The portal's session store on PostgreSQL: the idle timeout moves with use, at most once a minute. */
describe('DatabaseSessionStore', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: DatabaseSessionStore;

  const call = <T>(fn: (callback: (error?: unknown, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) =>
      fn((error, value) => (error ? reject(error as Error) : resolve(value))),
    );
  const expiresIn = async (sid: string) => {
    const [row] = await queryOnce<{ seconds: number }>(
      db.url,
      `SELECT extract(epoch FROM expires_at - now())::float8 AS seconds FROM portal_session WHERE sid = $1`,
      [sid],
    );
    return row!.seconds;
  };
  /** A request: express-session reads the session first and touches it when the response ends. */
  const request = async (sid: string) => {
    const data = await call<session.SessionData | null>((cb) => store.get(sid, cb));
    await call((cb) => store.touch(sid, data!, cb));
  };

  beforeAll(async () => {
    db = await createTestDatabase('portal_session_store');
    await (await startTestGateway({ DATABASE_URL: db.url })).stop();
    dataSource = await new DataSource({ type: 'postgres', url: db.url, poolSize: 2 }).initialize();
    store = new DatabaseSessionStore(dataSource, IDLE_MS);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('does not rewrite a session used again within the minute', async () => {
    await call((cb) => store.set('sid-recent', DATA, cb));
    await queryOnce(
      db.url,
      `UPDATE portal_session SET expires_at = now() + interval '59 minutes 30 seconds' WHERE sid = $1`,
      ['sid-recent'],
    );
    await request('sid-recent');
    expect(await expiresIn('sid-recent')).toBeLessThan(59 * 60 + 31);
  });

  it('moves the expiry of a session last used more than a minute ago to a full idle period', async () => {
    await call((cb) => store.set('sid-idle', DATA, cb));
    await queryOnce(
      db.url,
      `UPDATE portal_session SET expires_at = now() + interval '50 minutes' WHERE sid = $1`,
      ['sid-idle'],
    );
    await request('sid-idle');
    expect(await expiresIn('sid-idle')).toBeGreaterThan(59 * 60 + 50);
  });

  it('touches a session it has not read (no remembered expiry) and never revives an expired one', async () => {
    await call((cb) => store.set('sid-direct', DATA, cb));
    await queryOnce(
      db.url,
      `UPDATE portal_session SET expires_at = now() + interval '10 minutes' WHERE sid = $1`,
      ['sid-direct'],
    );
    await call((cb) => store.touch('sid-direct', DATA, cb));
    expect(await expiresIn('sid-direct')).toBeGreaterThan(59 * 60 + 50);

    await queryOnce(
      db.url,
      `UPDATE portal_session SET expires_at = now() - interval '1 second' WHERE sid = $1`,
      ['sid-direct'],
    );
    expect(await call((cb) => store.get('sid-direct', cb))).toBeNull();
    await call((cb) => store.touch('sid-direct', DATA, cb));
    expect(await expiresIn('sid-direct')).toBeLessThan(0);
  });
});
