import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repo's `portal/` folder (layouts, partials, views, static assets), found upwards from this file:
 * `src/portal` under vitest, `dist/src/portal` when built (as edi-maps/ is found).
 */
export function portalDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'portal', 'views');
    if (existsSync(candidate)) return join(dir, 'portal');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'portal');
}
