import { deflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { DecompressionLimitError, inflateCapped } from './decompress.js';

describe('capped zlib inflation', () => {
  it('inflates within the cap, exactly', async () => {
    const data = Buffer.from('ISA*00~\r\n'.repeat(1000));
    expect(await inflateCapped(deflateSync(data), data.length)).toEqual(data);
  });

  it('stops a 10 KB bomb at the cap instead of inflating it', async () => {
    const bomb = deflateSync(Buffer.alloc(10 << 20), { level: 9 });
    expect(bomb.length).toBeLessThan(11_000);
    const started = process.hrtime.bigint();
    await expect(inflateCapped(bomb, 1 << 20)).rejects.toBeInstanceOf(DecompressionLimitError);
    // Inflating all 10 MB takes far longer than stopping after the first megabyte or so.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('rejects corrupt zlib data', async () => {
    await expect(inflateCapped(Buffer.from('not zlib'), 1000)).rejects.toThrow();
  });
});
