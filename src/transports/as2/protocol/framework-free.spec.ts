import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// The protocol core is used by the Nest controller, the archive and partner profiles later; it must
// need nothing from Nest, TypeORM or the rest of src/ (DESIGN.md: "protocol code kept apart").
const FORBIDDEN = /from '(@nestjs\/[^']*|typeorm[^']*|pg|bullmq|ioredis|nestjs-pino|pino|\.\.\/\.\.\/[^']*)'/;

describe('AS2 protocol core imports', () => {
  it('imports no framework and nothing outside src/transports/as2/protocol', async () => {
    const dir = import.meta.dirname;
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(FORBIDDEN.exec(text)?.[0], file).toBeUndefined();
    }
  });
});
