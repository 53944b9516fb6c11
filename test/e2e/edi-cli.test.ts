import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `gateway edi …` as an operator runs it from a checkout: no database, no configuration. */
function gateway(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/gateway.js', 'edi', ...args], {
    // A database nobody listens on and an invalid setting: the commands must need neither.
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

const ISA = (control: string, ack = '0') =>
  `ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*BUYER          *240131*1230*^*00501*${control}*${ack}*P*:~\n`;
const PO = (st02: string, count = '6') =>
  `ST*850*${st02}~\nBEG*00*SA*PO-${st02}**20240131~\nN1*ST*ISAAC NEWTON LTD~\nPO1*1*10*EA*9.5**BP*WIDGET-1~\nCTT*1~\nSE*${count}*${st02}~\n`;
const GS = 'GS*PO*SUPPLIER*BUYER*20240131*1230*7*X*005010~\n';

describe('gateway edi', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-edi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text, 'latin1');
    return path;
  };

  const accepted = file('accepted.edi', ISA('000000101') + GS + PO('0001') + 'GE*1*7~\nIEA*1*000000101~\n');
  // The second set's SE01 is wrong: that set is rejected, the group partially accepted (AK901 P).
  const partial = file(
    'partial.edi',
    ISA('000000102') + GS + PO('0001') + PO('0002', '9') + 'GE*2*7~\nIEA*1*000000102~\n',
  );
  // IEA02 differs from ISA13: the interchange is rejected (TA105 001).
  const rejected = file('rejected.edi', ISA('000000103') + GS + PO('0001') + 'GE*1*7~\nIEA*1*000000999~\n');

  it('inspect prints the envelope tree as JSON and exits 0 for an accepted file', () => {
    const { code, stdout, stderr } = gateway(['inspect', accepted]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      file: accepted,
      outcome: 'accepted',
      streamIssues: [],
      interchanges: [
        {
          controlNumber: '000000101',
          status: 'accepted',
          version: '00501',
          sender: { qualifier: 'ZZ', id: 'SUPPLIER' },
          receiver: { qualifier: 'ZZ', id: 'BUYER' },
          delimiters: { element: '*', component: ':', repetition: '^', segment: '~' },
          issues: [],
          groups: [
            {
              functionalId: 'PO',
              controlNumber: '7',
              status: 'accepted',
              sets: [{ id: '850', controlNumber: '0001', status: 'accepted', segmentCount: 6, issues: [] }],
            },
          ],
        },
      ],
    });
  });

  it('inspect exits 1 for a partially accepted file and shows the error where it belongs', () => {
    const { code, stdout, stderr } = gateway(['inspect', partial]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^accepted-with-errors: /);
    const group = JSON.parse(stdout).interchanges[0].groups[0];
    expect(group.status).toBe('partially-accepted');
    expect(group.sets.map((s: { status: string }) => s.status)).toEqual(['accepted', 'rejected']);
    expect(group.sets[1].issues).toEqual([
      expect.objectContaining({ kind: 'se-segment-count', codeList: 'AK502', code: '4', segmentIndex: 13 }),
    ]);
  });

  it('inspect exits 2 for a rejected interchange', () => {
    const { code, stdout, stderr } = gateway(['inspect', rejected]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rejected: /);
    const ic = JSON.parse(stdout).interchanges[0];
    expect(ic.status).toBe('rejected');
    expect(ic.issues).toEqual([
      expect.objectContaining({ kind: 'iea-control-mismatch', codeList: 'TA105', code: '001' }),
    ]);
  });

  it('inspect reports an unsupported set as AK502 1 and exits 2', () => {
    const invoice = file(
      'invoice.edi',
      ISA('000000104') +
        'GS*IN*SUPPLIER*BUYER*20240131*1230*8*X*004010~\nST*810*0001~\nBIG*20240131*INV-1~\nSE*3*0001~\nGE*1*8~\nIEA*1*000000104~\n',
    );
    const { code, stdout } = gateway(['inspect', invoice]);
    expect(code).toBe(2);
    const set = JSON.parse(stdout).interchanges[0].groups[0].sets[0];
    expect(set).toMatchObject({ id: '810', status: 'rejected' });
    expect(set.issues.map((i: { code: string }) => i.code)).toEqual(['1']);
  });

  it('ack prints a 999 with the given control number and exits with the verdict', () => {
    const { code, stdout, stderr } = gateway(['ack', partial, '--type', '999', '--control-number', '42']);
    expect({ code, stderr: stderr.split(':')[0] }).toEqual({ code: 1, stderr: 'accepted-with-errors' });
    const segments = stdout.trimEnd().split('~');
    expect(segments[0]).toMatch(
      /^ISA\*00\* {10}\*00\* {10}\*ZZ\*BUYER {10}\*ZZ\*SUPPLIER {7}\*\d{6}\*\d{4}\*\^\*00501\*000000042\*0\*P\*:$/,
    );
    expect(segments.slice(1, -1).map((s) => s.replace(/\*\d{8}\*\d{4}\*/, '*DATE*TIME*'))).toEqual([
      'GS*FA*BUYER*SUPPLIER*DATE*TIME*42*X*005010X231A1',
      'ST*999*0042*005010X231A1',
      'AK1*PO*7*005010',
      'AK2*850*0001',
      'IK5*A',
      'AK2*850*0002',
      'IK5*R*4',
      'AK9*P*2*2*1',
      'SE*8*0042',
      'GE*1*42',
      'IEA*1*000000042',
    ]);
    expect(segments.at(-1)).toBe(''); // the text ends with a terminator
  });

  it('ack answers a rejected interchange with a TA1 alone (exit 2) and an accepted one with a 997 (exit 0)', () => {
    const no = gateway(['ack', rejected]);
    expect(no.code).toBe(2);
    expect(no.stdout).toMatch(/~TA1\*000000103\*240131\*1230\*R\*001~IEA\*0\*000000001~\n$/);
    const yes = gateway(['ack', accepted]);
    expect(yes).toMatchObject({ code: 0, stderr: '' });
    expect(yes.stdout).toMatch(
      /~ST\*997\*0001~AK1\*PO\*7\*005010~AK2\*850\*0001~AK5\*A~AK9\*A\*1\*1\*1~SE\*6\*0001~/,
    );
  });

  it('exits 3 when the tool itself fails: unreadable file, bad arguments', () => {
    const missing = gateway(['inspect', join(dir, 'missing.edi')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read .*missing\.edi: ENOENT/);
    expect(missing.stdout).toBe('');
    expect(gateway(['inspect', dir]).code).toBe(3); // a directory
    expect(gateway(['inspect']).code).toBe(3); // no file
    expect(gateway(['ack', accepted, '--type', '998']).code).toBe(3);
    expect(gateway(['ack', accepted, '--control-number', '0']).code).toBe(3);
    expect(gateway(['ack', accepted, '--control-number', '1234567890']).code).toBe(3);
    expect(gateway(['inspect', accepted, '--bogus']).code).toBe(3);
    // Seven runs of the command: more than the default minute when bin/gateway.js has to rebuild first.
  }, 180_000);
});
