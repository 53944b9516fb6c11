import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `gateway partners …` as an operator runs it from a checkout, with only the given environment. */
function gateway(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/gateway.js', 'partners', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gateway partners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-partners-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('check passes on the repository profiles, without a database', () => {
    // A DATABASE_URL nobody listens on: the command must not try it.
    const { code, stdout, stderr } = gateway(['check'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('2 partner profiles valid\n');
  });

  it('check reports a broken profile in PARTNERS_DIR with file, line and path, and exits 1', () => {
    const broken = readFileSync('partners/acme-fasteners.yaml', 'utf8').replace(
      '{ qualifier: ZZ, id: ACMEFAST }',
      '{ qualifier: Z, id: ACMEFAST }',
    );
    writeFileSync(join(dir, 'acme-fasteners.yaml'), broken);
    writeFileSync(
      join(dir, 'typo.yaml'),
      'id: typo\nname: Typo\nstatus: test\nacknowledgments: { functional: none }\ntolerance: {}\n',
    );

    const { code, stdout, stderr } = gateway(['check'], { PARTNERS_DIR: dir });
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${dir}/acme-fasteners.yaml:9:20 identities.x12[0].qualifier: expected an ISA qualifier: two letters or digits (ZZ, 01, 12, …)`,
      `${dir}/typo.yaml:5:1 tolerance: unknown field; check its spelling and place (docs/partners.md)`,
    ]);
    expect(stderr).toBe('2 problems in 2 files\n');

    // --dir wins over PARTNERS_DIR.
    expect(gateway(['check', '--dir', 'partners'], { PARTNERS_DIR: dir }).code).toBe(0);
  });

  it('list prints id, name, status and standards', () => {
    const { code, stdout } = gateway(['list']);
    expect(code).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['id', 'name', 'status', 'standards'],
      ['acme-fasteners', 'Acme Fasteners Inc.', 'test', 'x12 004010'],
      ['nordic-castings', 'Nordic Castings AB', 'test', 'edifact D96A'],
    ]);
  });
});
