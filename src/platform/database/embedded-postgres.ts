import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataDirLock } from './data-dir-lock.js';

/**
 * The embedded PostgreSQL (PGlite) behind a loopback socket, so that the ordinary `pg` driver and
 * TypeORM's postgres driver run unchanged.
 *
 * Safe only as ONE connection: pglite-socket 0.2.17 runs every socket connection in the same backend
 * session (advisory locks granted to both, NOTIFY delivered to the wrong one, SET leaking, and a
 * transaction that awaits a second connection deadlocks). Hence `maxConnections: 1` here and a
 * pool of one in the data source. PGlite does not fsync: an operating-system crash can lose the
 * last commits, which is why embedded mode is for evaluation and small single-site use.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly lock: DataDirLock,
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const dir = resolve(dataDir);
    const lock = DataDirLock.acquire(dir);
    try {
      const pgdata = join(dir, 'pgdata');
      mkdirSync(pgdata, { recursive: true });
      const db = await PGlite.create({ dataDir: pgdata });
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
      try {
        await server.start();
      } catch (error) {
        await db.close();
        throw error;
      }
      // The server replaces port 0 with the port it was given.
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(lock, db, server, url);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Resolves once no client is connected. The server frees a closed connection's slot a moment after
   * the client ends it; a new client arriving in between is turned away ("too many connections").
   */
  async settle(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.server.getStats().activeConnections > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops the socket server, then PGlite (which writes its state), then releases the directory. */
  async stop(): Promise<void> {
    try {
      await this.server.stop();
      if (!this.db.closed) await this.db.close();
    } finally {
      this.lock.release();
    }
  }
}
