import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { PartnerRegistry } from './partner-registry.js';
import { PartnerError, PartnerErrorCode } from './partner.exception.js';
import { loadPartnersForBoot, PartnersModule } from './partners.module.js';

const repoPartners = fileURLToPath(new URL('../../partners', import.meta.url));
const example = (name: string) => readFileSync(join(repoPartners, `${name}.yaml`), 'utf8');
const POSTGRES = 'postgres://gateway@127.0.0.1:5432/never-connected';

const dirs: string[] = [];
function partnersDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-partners-module-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The examples with acme-fasteners (and optionally nordic-castings) switched to live. */
function liveDir(both = false): string {
  const live = (text: string) => text.replace(/^status: test$/m, 'status: live');
  return partnersDir({
    'acme-fasteners.yaml': live(example('acme-fasteners')),
    'nordic-castings.yaml': both ? live(example('nordic-castings')) : example('nordic-castings'),
  });
}

async function boot(env: Record<string, string>) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig(env)), PartnersModule],
  }).compile();
  return moduleRef.get(PartnerRegistry);
}

async function refusal(env: Record<string, string>): Promise<PartnerError> {
  const error: unknown = await boot(env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PartnerError);
  return error as PartnerError;
}

describe('PartnersModule', () => {
  it('provides the registry loaded from PARTNERS_DIR', async () => {
    const registry = await boot({ PARTNERS_DIR: repoPartners });
    expect(registry.all().map((p) => p.id)).toEqual(['acme-fasteners', 'nordic-castings']);
    expect(registry.byX12Interchange('ZZ', 'ACMEFAST')?.id).toBe('acme-fasteners');
  });

  it('refuses to start on invalid profiles, listing every problem', async () => {
    const dir = partnersDir({
      'acme-fasteners.yaml': example('acme-fasteners').replace('status: test', 'status: maybe'),
      'nordic-castings.yaml': example('nordic-castings').replace('id: nordic-castings', 'id: nordic'),
    });
    const error = await refusal({ PARTNERS_DIR: dir });
    expect(error.code).toBe(PartnerErrorCode.InvalidProfiles);
    expect(error.message.split('\n')).toEqual([
      `2 problems in the partner profiles in ${dir} (\`gateway partners check\` lists the same):`,
      `  ${dir}/acme-fasteners.yaml:5:9 status: expected test or live`,
      `  ${dir}/nordic-castings.yaml:3:5 id: "nordic" does not match the file name; expected id: nordic-castings (or rename the file)`,
    ]);
  });

  it('refuses a live partner on the embedded database, naming the partners and the setting', async () => {
    const error = await refusal({ PARTNERS_DIR: liveDir(true) });
    expect(error.code).toBe(PartnerErrorCode.LiveOnEmbedded);
    expect(error.message).toContain('partners acme-fasteners, nordic-castings have status live');
    expect(error.message).toContain('does not fsync');
    expect(error.message).toContain('EMBEDDED_ALLOW_LIVE_PARTNERS=true');
  });

  it('starts with a live partner on the embedded database when EMBEDDED_ALLOW_LIVE_PARTNERS=true, and warns', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = await boot({ PARTNERS_DIR: liveDir(), EMBEDDED_ALLOW_LIVE_PARTNERS: 'true' });
    expect(registry.get('acme-fasteners')?.status).toBe('live');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(
      /^partner acme-fasteners has status live, .*Accepted by EMBEDDED_ALLOW_LIVE_PARTNERS=true\.$/,
    );
  });

  it('starts with live partners on PostgreSQL without a warning', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = await boot({ PARTNERS_DIR: liveDir(true), DATABASE_URL: POSTGRES });
    expect(registry.all().every((p) => p.status === 'live')).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('loadPartnersForBoot', () => {
  const logger = () => ({ warn: vi.fn(), log: vi.fn() });

  it('lets test partners run on the embedded database', () => {
    const log = logger();
    const profiles = loadPartnersForBoot(loadConfig({ PARTNERS_DIR: repoPartners }), log);
    expect(profiles).toHaveLength(2);
    expect(log.warn).not.toHaveBeenCalled();
    expect(log.log).toHaveBeenCalledWith(`2 partner profiles loaded from ${repoPartners}`);
  });

  it('refuses one live partner on the embedded database unless the risk is accepted', () => {
    const dir = liveDir();
    const log = logger();
    expect(() => loadPartnersForBoot(loadConfig({ PARTNERS_DIR: dir }), log)).toThrow(
      /^partner acme-fasteners has status live, but the gateway runs on the embedded database/,
    );
    expect(
      loadPartnersForBoot(loadConfig({ PARTNERS_DIR: dir, EMBEDDED_ALLOW_LIVE_PARTNERS: 'yes' }), log),
    ).toHaveLength(2);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });
});
