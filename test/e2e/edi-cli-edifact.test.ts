import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `gateway edi …` on EDIFACT files, as an operator runs it: no database, no configuration. */
function gateway(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/gateway.js', 'edi', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      PORT: 'not-a-port',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const UNB = (reference: string, ack = '') =>
  `UNA:+.? '\r\nUNB+UNOC:3+NORDIC:14+GATEWAY:14+240131:1200+${reference}${ack === '' ? '' : `++++${ack}`}'\r\n`;
const DESADV = (reference: string, count = 6) =>
  `UNH+${reference}+DESADV:D:96A:UN'\r\nBGM+351+ASN-${reference}+9'\r\nDTM+137:20240131:102'\r\n` +
  `LIN+1++4012345000009:EN'\r\nQTY+12:10'\r\nUNT+${count}+${reference}'\r\n`;

describe('gateway edi on EDIFACT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-edifact-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  // A BOM and hard-wrapped lines: still EDIFACT, still accepted.
  const accepted = file(
    'accepted.edi',
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(UNB('IC1', '1') + DESADV('M1') + "UNZ+1+\nIC1'"),
    ]),
  );
  // M2's UNT count is wrong: M2 rejected, the interchange partially accepted.
  const partial = file('partial.edi', UNB('IC2') + DESADV('M1') + DESADV('M2', 9) + "UNZ+2+IC2'\r\n");
  // UNZ references another interchange: rejected as a whole (0085 code 28).
  const rejected = file('rejected.edi', UNB('IC3') + DESADV('M1') + "UNZ+1+IC9'\r\n");

  it('inspect detects EDIFACT, prints the tree and exits 0 for an accepted file', () => {
    const { code, stdout, stderr } = gateway(['inspect', accepted]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toMatchObject({
      file: accepted,
      standard: 'edifact',
      outcome: 'accepted',
      streamIssues: [],
      interchanges: [
        {
          reference: 'IC1',
          status: 'accepted',
          syntax: { id: 'UNOC', version: '3' },
          sender: { id: 'NORDIC', qualifier: '14' },
          recipient: { id: 'GATEWAY', qualifier: '14' },
          ackRequested: true,
          issues: [],
          messages: [{ reference: 'M1', type: 'DESADV:D:96A:UN', status: 'accepted', segmentCount: 6 }],
        },
      ],
    });
  });

  it('inspect exits 1 for a partially accepted interchange, 2 for a rejected one', () => {
    const partly = gateway(['inspect', partial]);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toMatch(/^partially-accepted: 1 error, 1 of 2 message\(s\) rejected/);
    const ic = JSON.parse(partly.stdout).interchanges[0];
    expect(ic.messages.map((m: { status: string }) => m.status)).toEqual(['accepted', 'rejected']);
    expect(ic.messages[1].issues).toEqual([
      expect.objectContaining({ kind: 'count-mismatch', codeList: '0085', code: '29', segmentId: 'UNT' }),
    ]);
    const no = gateway(['inspect', rejected]);
    expect(no.code).toBe(2);
    expect(JSON.parse(no.stdout).interchanges[0].issues).toEqual([
      expect.objectContaining({ kind: 'reference-mismatch', code: '28', segmentId: 'UNZ' }),
    ]);
  });

  it('ack prints the CONTRL with the given references and exits with the verdict', () => {
    const partly = gateway(['ack', partial, '--control-number', '42']);
    expect(partly.code).toBe(1);
    expect(
      partly.stdout
        .replace(/\+\d{6}:\d{4}\+/, '+DATE:TIME+')
        .trimEnd()
        .split('\n'),
    ).toEqual([
      "UNA:+.? '",
      "UNB+UNOC:3+GATEWAY:14+NORDIC:14+DATE:TIME+42'",
      "UNH+42+CONTRL:D:3:UN'",
      "UCI+IC2+NORDIC:14+GATEWAY:14+7'",
      "UCM+M2+DESADV:D:96A:UN+4+29+UNT+2'",
      "UNT+4+42'",
      "UNZ+1+42'",
    ]);
    const no = gateway(['ack', rejected]);
    expect(no.code).toBe(2);
    expect(no.stdout).toMatch(/\nUCI\+IC3\+NORDIC:14\+GATEWAY:14\+4\+28\+UNZ\+3'\n/);
    // Accepted and 0031 = 1: a CONTRL with UCI 7; accepted without a request: none, exit 0.
    expect(gateway(['ack', accepted]).stdout).toMatch(/\nUCI\+IC1\+NORDIC:14\+GATEWAY:14\+7'\n/);
    const quiet = gateway(['ack', file('quiet.edi', UNB('IC4') + DESADV('M1') + "UNZ+1+IC4'")]);
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    expect(quiet.stderr).toMatch(/interchange IC4: no CONTRL \(accepted, and UNB 0031 does not ask/);
  });

  it('detects EDIFACT after more than 64 bytes of BOM and blank lines, as every channel does (512)', () => {
    // 3 + 2 × 40 = 83 bytes before UNA: within EDI_SNIFF_BYTES, the first look of the AS2, SFTP and API intakes.
    const padded = file(
      'padded.edi',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('\r\n'.repeat(40) + UNB('IC5', '1') + DESADV('M1') + "UNZ+1+IC5'"),
      ]),
    );
    const inspect = gateway(['inspect', padded]);
    expect({ code: inspect.code, stderr: inspect.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(inspect.stdout)).toMatchObject({
      standard: 'edifact',
      outcome: 'accepted',
      interchanges: [{ reference: 'IC5', status: 'accepted' }],
    });
    expect(gateway(['ack', padded]).stdout).toMatch(/\nUCI\+IC5\+NORDIC:14\+GATEWAY:14\+7'\n/);
  });

  it('reads a bare message: reported as missing its interchange, rejected, never acknowledged', () => {
    const bare = file('bare.edi', DESADV('M1'));
    const inspect = gateway(['inspect', bare]);
    expect(inspect.code).toBe(2);
    const out = JSON.parse(inspect.stdout);
    expect(out.looseMessages).toEqual([expect.objectContaining({ reference: 'M1', status: 'accepted' })]);
    expect(out.streamIssues).toEqual([
      expect.objectContaining({ kind: 'interchange-header-missing', code: '13', segmentId: 'UNH' }),
    ]);
    const ack = gateway(['ack', bare]);
    expect(ack).toMatchObject({ code: 2, stdout: '' });
    expect(ack.stderr).toMatch(/message M1 has no UNB: it cannot be acknowledged/);
  });
}, 240_000);
