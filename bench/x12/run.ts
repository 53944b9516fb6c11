import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readX12 } from '../../src/edi/x12/index.js';
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
import { expected856 } from './contenders.js';
import { generateX12 } from './generate.js';

/**
 * `npm run bench:x12 [-- --mb N] [--runs N]`: the X12 reader against its peers, each in its own process, on one
 * seeded input. Not a test: it prints figures and ratios measured in the same run (STYLE.md), and
 * fails only when contenders that must agree (ours and the naive split) do not.
 */
const here = dirname(fileURLToPath(import.meta.url));
const ORDER = [
  'tokenize-all',
  'validate',
  'x12-parser',
  'node-x12-parse',
  'node-x12-stream',
  'naive-split',
  'ceiling',
  'translate-856',
];

function main(): void {
  const mb = arg('--mb', 50);
  const bytes = Math.round(mb * 1024 * 1024);
  const file = join(tmpdir(), `sg-bench-x12-${mb}mb.edi`);
  if (!existsSync(file) || statSync(file).size < bytes) generateX12(file, { bytes });
  const size = statSync(file).size;
  console.log(`input: ${file}, ${(size / 1048576).toFixed(1)} MiB, seeded 850/856 sets`);
  printMachine();

  const damaged = join(tmpdir(), 'sg-bench-x12-damaged.edi');
  generateX12(damaged, { bytes: 2 << 20, inject: true, seed: 7 });
  const full = readX12(readFileSync(damaged), { segment: (v) => void v.elements() });
  const lean = readX12(readFileSync(damaged));
  rmSync(damaged);
  checkValidateOnly(full.issues, lean.issues);

  const rows = runContenders(join(here, 'contenders.js'), ORDER, file, arg('--runs', 1));
  checkAgreement(rows, 'translate-856');
  printTable(rows, size, 'modules, maps');
  const byName = new Map(rows.map((r) => [r.contender, r]));
  // translate-856 checks itself against the raw SN1 figures: every 856 an event, every quantity found.
  const translate = byName.get('translate-856');
  if (translate?.verdict === 'ok') {
    const want = expected856(readFileSync(file, 'latin1'));
    if (translate.values !== want.sets || translate.checksum !== want.checksum)
      translate.verdict = `wrong checksum (${translate.values} of ${want.sets} ship notices)`;
  }
  const naive = byName.get('naive-split');
  printRatio('tokenize-all/naive-split', byName.get('tokenize-all'), naive);
  printRatio('translate-856/naive-split', translate, naive);
  printRatio('tokenize-all/x12-parser', byName.get('tokenize-all'), byName.get('x12-parser'));
  printRatio('validate/ceiling', byName.get('validate'), byName.get('ceiling'));
  printRss(rows);
}

main();
