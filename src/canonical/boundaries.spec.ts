import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * src/canonical is framework-free and I/O-free (DESIGN.md): until the ESLint boundary rule that
 * guards src/edi covers it too, this spec does. Specs may use node:fs (the JSON Schema check does).
 */
const here = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const ALLOWED = [/^zod$/, /^decimal\.js$/, /^\.\.?\//];

describe('src/canonical', () => {
  it('imports only zod, decimal.js and itself outside specs', () => {
    const offences: string[] = [];
    for (const file of sources(here).filter(
      (f) => !f.endsWith('.spec.ts') && !f.endsWith('.test-helper.ts'),
    )) {
      const text = readFileSync(file, 'utf8');
      for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
        const target = specifier as string;
        const escapes = target.startsWith('.') && !join(file, '..', target).startsWith(here);
        if (!ALLOWED.some((pattern) => pattern.test(target)) || escapes)
          offences.push(`${relative(here, file)} imports ${target}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
