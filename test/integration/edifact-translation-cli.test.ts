import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `gateway edi translate` on EDIFACT files, as an operator runs it: no database, exit codes as X12's. */
function translate(...args: string[]) {
  return gateway('translate', ...args);
}

function gateway(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/gateway.js', 'edi', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      // Offline: no database is opened (the configuration is read for PARTNERS_DIR only).
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../src/translation/fixtures/edifact/${name}`, import.meta.url));

describe('gateway edi translate on EDIFACT', () => {
  it('prints the events and exits 0 when every message became one (partner found by its UNB sender)', () => {
    const { code, stdout, stderr } = translate(fixture('ORDRSP-D96A.edi'));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      standard: 'edifact',
      partner: 'nordic-castings',
      outcome: 'accepted',
      messages: [
        { interchange: 'NC0001', message: 'ORDRSP 1', directory: 'D96A:EAN009', outcome: 'translated' },
      ],
    });
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      type: 'purchase-order.acknowledged',
      partnerId: 'nordic-castings',
    });
  });

  it('exits 1 when some messages are rejected by their directory, and says why', () => {
    const { code, stdout } = translate(fixture('DESADV-D96A-invalid.edi'), '--partner', 'nordic-castings');
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.outcome).toBe('partially-accepted');
    expect(out.messages[0]).toMatchObject({ message: 'DESADV 1', outcome: 'rejected' });
    expect(out.messages[0].problems).toContain('0085 13 at 2 mandatory segment BGM missing');
  });

  it('exits 2 when nothing became an event and 3 when the file cannot be read', () => {
    const bad = translate(fixture('ORDERS-D01B.edi'), '--partner', 'no-such-partner');
    expect(bad.code).toBe(3);
    const missing = translate(fixture('nope.edi'));
    expect(missing.code).toBe(3);
    // Without a partner an event cannot name one: every message fails, nothing is an event.
    const strangers = translate(fixture('ORDERS-D01B.edi'));
    expect(strangers.code).toBe(2);
    expect(JSON.parse(strangers.stdout)).toMatchObject({ partner: null, outcome: 'rejected' });
  });

  it('detects EDIFACT after more than 64 bytes of blank lines, as every channel does (512)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-translate-padded-'));
    try {
      const padded = join(dir, 'ORDRSP-D96A-padded.edi');
      writeFileSync(
        padded,
        Buffer.concat([Buffer.from('\r\n'.repeat(40)), readFileSync(fixture('ORDRSP-D96A.edi'))]),
      );
      const { code, stdout, stderr } = translate(padded);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(stdout)).toMatchObject({
        standard: 'edifact',
        partner: 'nordic-castings',
        outcome: 'accepted',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inspect and ack check the directories when asked (--directories), as the intake does', () => {
    const file = fixture('DESADV-D96A-invalid.edi');
    expect(gateway('inspect', file).code).toBe(0);
    const inspected = gateway('inspect', '--directories', file);
    expect(inspected.code).toBe(1);
    expect(JSON.parse(inspected.stdout).outcome).toBe('partially-accepted');
    const ack = gateway('ack', '--directories', file, '--control-number', '5');
    expect(ack.code).toBe(1);
    expect(ack.stdout).toContain("UCM+1+DESADV:D:96A:UN+4'");
    expect(ack.stdout).toContain("UCS+7'");
  });

  it('ack --directories rejects a message the gateway cannot read (UCM 4 / 14 at UNH S009), as the intake does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edifact-d97b-'));
    try {
      const file = join(dir, 'desadv-d97b.edi');
      writeFileSync(
        file,
        "UNA:+.? 'UNB+UNOC:3+7350000123457:14+5790000000005:14+261127:0800+R1++++1'" +
          "UNH+1+DESADV:D:97B:UN'BGM+351+ASN-1+9'DTM+137:20261127:102'UNT+4+1'UNZ+1+R1'",
      );
      const ack = gateway('ack', '--directories', file, '--control-number', '5');
      expect(ack.stdout).toContain("UCM+1+DESADV:D:97B:UN+4+14+UNH+3'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
