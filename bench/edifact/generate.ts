import { seeded, SegmentFile, type GenerateOptions } from '../shared/seeded.js';

/**
 * Seeded generator of a large EDIFACT file: one UNOA:3 interchange (with UNA) of DESADV messages, each a
 * few kilobytes, LF after every terminator. Values are random but reproducible. Released
 * characters ("?'", "?+", "?:") occur in a few FTX and NAD names, so escapes are exercised; "?" itself
 * never occurs as data, so that a naive split with a look-behind can agree with the real tokenizers.
 * Syntax 3 without repetitions and without empty values: every peer splits it the same way.
 * `inject` damages a few messages (wrong UNT count, wrong UNT reference).
 */
export function generateEdifact(path: string, options: GenerateOptions): void {
  const { int, str } = seeded(options.seed);
  const num = (digits: number): string => String(1 + int(10 ** digits - 1));
  /** A name with a released service character now and then. */
  const name = (): string => {
    const r = int(20);
    if (r === 0) return `${str(2, 8)}?'${str(2, 8)}`;
    if (r === 1) return `${str(2, 8)} ?+ ${str(2, 8)}`;
    if (r === 2) return `${str(2, 8)}?:${str(2, 8)}`;
    return `${str(3, 12)} ${str(3, 12)}`;
  };
  const file = new SegmentFile(path, "'");
  const out = (segment: string): void => file.segment(segment);
  // The UNA carries its own terminator character as its sixth service character.
  file.raw("UNA:+.? '\n");
  out('UNB+UNOA:3+7350000123457:14+5790000000005:14+240131:1200+BENCH1');
  let messages = 0;
  while (file.size < options.bytes) {
    messages++;
    const ref = `M${messages}`;
    const segments: string[] = [
      `UNH+${ref}+DESADV:D:96A:UN:EAN005`,
      `BGM+351+ASN${num(8)}+9`,
      `DTM+137:2024${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}:102`,
      `DTM+11:202401${String(1 + int(28)).padStart(2, '0')}:102`,
      `RFF+ON:PO${num(7)}`,
      `NAD+SU+7350000${num(6)}::9++${name()}`,
      `NAD+DP+5790000${num(6)}::9++${name()}`,
      'CPS+1',
    ];
    const lines = 5 + int(30);
    for (let line = 1; line <= lines; line++) {
      segments.push(`CPS+${line + 1}+1`, `PAC+${1 + int(9)}++PK`, `LIN+${line}++${num(13)}:SRV`);
      segments.push(`PIA+1+${str(6, 14)}:SA`, `QTY+12:${num(4)}`);
      // FTX belongs before the line's RFF group (D.96A DESADV SG15).
      if (int(8) === 0) segments.push(`FTX+AAI+++${name()}`);
      segments.push(`RFF+ON:PO${num(7)}:${line}`);
    }
    let count = segments.length + 1;
    let untRef = ref;
    if (options.inject && messages % 97 === 0) count += 1;
    if (options.inject && messages % 89 === 0) untRef = `X${ref}`;
    for (const s of segments) out(s);
    out(`UNT+${count}+${untRef}`);
  }
  out(`UNZ+${messages}+BENCH1`);
  file.close();
}
