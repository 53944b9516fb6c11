import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { expect, vi } from 'vitest';
import { SftpPoller } from '../../src/transports/sftp/sftp-poller.service.js';
import { SftpReceiptService } from '../../src/transports/sftp/sftp-receipt.service.js';
import { queryOnce } from '../support/postgres.js';

/** Partner profiles that poll a test OpenSSH server, and what the SFTP poller tests share. */

export interface PollProfile {
  readonly id: string;
  readonly port: number;
  readonly hostKey: string;
  readonly root: string;
  readonly everySeconds?: number;
  readonly stableSizeSeconds?: number;
  readonly deleteAfterPickup?: boolean;
  readonly maxFileBytes?: number;
}

/** The profile YAML of a partner polled at `root/drop` (archive `root/done`, uploads `root/up`). */
export function profile(p: PollProfile, clientKeyFile: string): string {
  for (const sub of ['drop', 'done', 'up']) mkdirSync(join(p.root, sub), { recursive: true });
  return [
    `id: ${p.id}`,
    `name: ${p.id}`,
    'status: test',
    'acknowledgments: { functional: none }',
    'channels:',
    '  sftp:',
    '    enabled: true',
    ...(p.maxFileBytes ? [`    maxFileBytes: ${p.maxFileBytes}`] : []),
    '    poll:',
    '      host: 127.0.0.1',
    `      port: ${p.port}`,
    '      username: root',
    `      hostKey: '${p.hostKey}'`,
    `      privateKeyFile: ${clientKeyFile}`,
    `      inboundDir: ${join(p.root, 'drop')}`,
    p.deleteAfterPickup ? '      deleteAfterPickup: true' : `      archiveDir: ${join(p.root, 'done')}`,
    `      uploadDir: ${join(p.root, 'up')}`,
    `      everySeconds: ${p.everySeconds ?? 86_400}`,
    `      stableSizeSeconds: ${p.stableSizeSeconds ?? 0}`,
    '      timeoutSeconds: 10',
    '',
  ].join('\n');
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The partner's receipts over the polled channel, in order. */
export const archived = (databaseUrl: string, partnerId: string) =>
  queryOnce<{ filename: string; sha256: string; status: string; duplicate_of: string | null }>(
    databaseUrl,
    `SELECT filename, sha256, status, duplicate_of::text AS duplicate_of FROM interchange
      WHERE partner_id = $1 AND channel = 'sftp' ORDER BY id`,
    [partnerId],
  );

/**
 * One pass over `drop/<name>` during which the partner uploads its next `<name>` (temporary name,
 * then rename, as partners are told to): the receipt service writes it while the poller archives the
 * first. The new upload must be left where the partner put it, unread and untouched. Answers both
 * payloads and what the inbound folder held when the receipt began.
 */
export async function passWhileThePartnerUploadsAgain(
  app: INestApplication,
  partnerId: string,
  drop: string,
  name = 'orders.edi',
) {
  const first = Buffer.from(`ISA*00*first ${randomBytes(8).toString('hex')}`);
  const second = Buffer.from(`ISA*00*second, a longer one ${randomBytes(8).toString('hex')}`);
  writeFileSync(join(drop, name), first);
  const before: string[] = [];
  const receipts = app.get(SftpReceiptService);
  const receive = receipts.receive.bind(receipts);
  const spy = vi.spyOn(receipts, 'receive').mockImplementationOnce(async (...args) => {
    before.push(...readdirSync(drop));
    writeFileSync(join(drop, 'next.tmp'), second);
    renameSync(join(drop, 'next.tmp'), join(drop, name));
    return receive(...args);
  });
  try {
    expect(await app.get(SftpPoller).poll(partnerId)).toMatchObject({ archived: 1, duplicates: 0 });
    expect(spy).toHaveBeenCalledTimes(1);
  } finally {
    spy.mockRestore();
  }
  expect(readdirSync(drop)).toEqual([name]);
  expect(readFileSync(join(drop, name)).equals(second)).toBe(true);
  return { first, second, before };
}
