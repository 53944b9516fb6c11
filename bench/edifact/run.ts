import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEdifact } from '../../src/edi/edifact/index.js';
import {
  arg,
  checkAgreement,
  checkValidateOnly,
  printMachine,
  printRatio,
  printRss,
  printTable,
  runContenders,
} from '../shared/runner.js';
import { expectedDesadv } from './contenders-edifact.js';
import { generateEdifact } from './generate.js';

/**
 * `npm run bench:edifact [-- --mb N] [--runs N]`: the EDIFACT reader against the npm `edifact` package, a naive
 * split and an offsets-only ceiling, each in its own process, on one seeded DESADV input. Not a test:
 * it prints figures and ratios measured in the same run (STYLE.md), and fails only when contenders that
 * must agree (ours and the naive split; validate-only and the full path) do not.
 */
const here = dirname(fileURLToPath(import.meta.url));
const ORDER = [
  'tokenize-all',
  'validate',
  'edifact-stream',
  'edifact-reader',
  'naive-split',
  'ceiling',
  'translate-desadv',
];

function main(): void {
  const mb = arg('--mb', 50);
  const bytes = Math.round(mb * 1024 * 1024);
  // v2: FTX before the line's RFF group (D.96A DESADV SG15 order), so every message passes the directory.
  const file = join(tmpdir(), `sg-bench-edifact-v2-${mb}mb.edi`);
  if (!existsSync(file) || statSync(file).size < bytes) generateEdifact(file, { bytes });
  const size = statSync(file).size;
  console.log(`input: ${file}, ${(size / 1048576).toFixed(1)} MiB, seeded DESADV messages (UNOA:3, UNA, LF)`);
  printMachine();

  const damaged = join(tmpdir(), 'sg-bench-edifact-damaged.edi');
  generateEdifact(damaged, { bytes: 2 << 20, inject: true, seed: 7 });
  const full = readEdifact(readFileSync(damaged), { segment: (v) => v.eachValue(() => undefined) });
  const lean = readEdifact(readFileSync(damaged));
  rmSync(damaged);
  checkValidateOnly(full.issues, lean.issues);

  const rows = runContenders(join(here, 'contenders-edifact.js'), ORDER, file, arg('--runs', 3));
  checkAgreement(rows, 'translate-desadv');
  printTable(rows, size, 'modules, directories, maps');
  const byName = new Map(rows.map((r) => [r.contender, r]));
  const reference = byName.get('tokenize-all');
  const naive = byName.get('naive-split');
  printRatio('tokenize-all/edifact-stream', reference, byName.get('edifact-stream'));
  printRatio('tokenize-all/edifact-reader', reference, byName.get('edifact-reader'));
  printRatio('tokenize-all/naive-split', reference, naive);
  printRatio('validate/ceiling', byName.get('validate'), byName.get('ceiling'));
  // translate-desadv checks itself against the raw QTY+12 figures: every DESADV an event, every quantity.
  const translate = byName.get('translate-desadv');
  if (translate?.verdict === 'ok') {
    const want = expectedDesadv(readFileSync(file, 'latin1'));
    if (translate.values !== want.messages || translate.checksum !== want.checksum)
      translate.verdict = `wrong checksum (${translate.values} of ${want.messages} ship notices)`;
  }
  printRatio('translate-desadv/naive-split', translate, naive);
  printRss(rows);
}

main();
