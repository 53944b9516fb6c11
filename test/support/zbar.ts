import { execFileSync } from 'node:child_process';

/**
 * What Debian's `zbarimg` (zbar-tools) reads from a PNG: the data of the one barcode in it. A GS1-128
 * label's SSCC reads as `00` + 18 digits (zbar prints the data without the FNC1).
 */
export function decodeBarcode(pngPath: string): string {
  return execFileSync('zbarimg', ['--quiet', '--raw', pngPath], { encoding: 'utf8' }).trim();
}
