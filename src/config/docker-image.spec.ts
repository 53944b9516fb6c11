import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portalDir } from '../portal/portal-paths.js';
import { DEFAULT_LABEL_TEMPLATE } from '../shipping/labels.js';
import { defaultEdifactMapsDir } from '../translation/edifact-map-registry.js';
import { defaultMapsDir } from '../translation/x12-map-registry.js';
import { CONFIG_VARIABLES } from './config.schema.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the runtime stage of the Dockerfile puts under its WORKDIR: COPY destinations and mkdir'd paths. */
function runtimeStage(dockerfile: string): { workdir: string; copied: string[]; created: string[] } {
  const stages = dockerfile.split(/^FROM\s/m);
  const last = stages[stages.length - 1]!;
  const workdir = /^WORKDIR\s+(\S+)/m.exec(last)?.[1] ?? '/';
  const copied = [...last.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => {
    const parts = m[1]!.trim().split(/\s+/);
    const destination = posix.resolve(workdir, parts[parts.length - 1]!);
    const sources = parts.slice(0, -1);
    // `COPY a b ./` puts each source under the destination; `COPY dir ./dir` names the copy itself.
    return sources.length === 1 && !destination.endsWith('/') && parts[parts.length - 1] !== './'
      ? [destination]
      : sources.map((s) => posix.join(destination, posix.basename(s)));
  });
  const created = [...last.matchAll(/^RUN\s+mkdir\s+-p\s+([^&]+)/gm)].flatMap((m) =>
    m[1]!.trim().split(/\s+/),
  );
  return { workdir, copied, created };
}

const within = (path: string, roots: readonly string[]) =>
  roots.some((root) => path === root || path.startsWith(`${root}/`));

/** Paths of the installation the gateway reads at boot with its default configuration, from the repo root. */
function readAtBoot(): string[] {
  const fromConfig = CONFIG_VARIABLES.flatMap((v) => {
    if (v.name === 'DATA_DIR' || !/_(DIR|FILE)$/.test(v.name)) return [];
    const value: unknown = v.schema.safeParse(undefined).data;
    return typeof value === 'string' && value.startsWith('./') ? [posix.normalize(value)] : [];
  });
  // Found from the code's own location (src/ or dist/src/), i.e. the installation's root.
  const installed = [defaultMapsDir(), defaultEdifactMapsDir(), portalDir()].map((p) => relative(ROOT, p));
  return [...fromConfig, ...installed, relative(process.cwd(), DEFAULT_LABEL_TEMPLATE)];
}

describe('the Docker image', () => {
  const image = runtimeStage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

  it('copies every file and folder the default configuration reads at boot', () => {
    const paths = readAtBoot();
    expect(paths).toEqual(
      expect.arrayContaining(['partners', 'erp/erp.yaml', 'edi-maps/x12', 'edi-maps/edifact', 'portal']),
    );
    for (const path of paths) {
      expect(existsSync(join(ROOT, path)), `${path} is in the repository`).toBe(true);
      expect(
        within(posix.join(image.workdir, path), image.copied),
        `${path} is copied into ${image.workdir}`,
      ).toBe(true);
    }
  });

  it('creates the data directory the default configuration writes to', () => {
    const dataDir = CONFIG_VARIABLES.find((v) => v.name === 'DATA_DIR')!.schema.safeParse(undefined).data;
    const path = posix.join(image.workdir, String(dataDir));
    // `mkdir -p` makes the parents of what it names.
    expect(image.created.some((c) => within(c, [path]))).toBe(true);
  });
});
