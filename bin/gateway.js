#!/usr/bin/env node
/* global process */
// The `gateway` command. From a checkout it compiles first when the sources are newer than the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
const stamp = join(root, 'dist', '.tsbuildinfo');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

if (existsSync(join(root, 'src'))) {
  const built = existsSync(stamp) && existsSync(entry) ? statSync(stamp).mtimeMs : 0;
  if (newest(join(root, 'src')) > built || newest(join(root, 'migrations')) > built) {
    const tsc = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (!existsSync(entry)) {
      process.stderr.write('gateway: the build failed; run `npm run build` to see why\n');
      process.exit(tsc.status ?? 3);
    }
  }
}

await import(entry);
