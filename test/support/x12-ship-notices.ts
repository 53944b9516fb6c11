import { readFileSync } from 'node:fs';

/**
 * Files of many ship notices for the tests of the translation stream and job: the 856 of our own
 * fixture (src/translation/fixtures/x12/856-004010.edi) repeated under other control numbers and
 * shipment ids, grouped as asked.
 */
const FIXTURE = readFileSync(
  new URL('../../src/translation/fixtures/x12/856-004010.edi', import.meta.url),
  'latin1',
);
const SEGMENTS = FIXTURE.split('~').map((s) => s.trim());
const BODY = SEGMENTS.slice(
  SEGMENTS.findIndex((s) => s.startsWith('ST*')) + 1,
  SEGMENTS.findIndex((s) => s.startsWith('SE*')),
);

/** One ship notice, ST02 `st02`, its shipment id (BSN02) `ASN-<st02>`. */
export function shipNotice(st02: string): string {
  const body = BODY.map((s) => s.replace(/^BSN\*00\*[^*]+/, `BSN*00*ASN-${st02}`));
  return [`ST*856*${st02}`, ...body, `SE*${body.length + 2}*${st02}`].map((s) => `${s}~\n`).join('');
}

/**
 * An interchange from ACMEFAST to BUYERCO of `groups` groups (GS06 1, 2, …) of `sets` ship notices
 * each; ST02 is the last three digits of ISA13 and a running number. `iea02` differs from ISA13 when
 * given (the interchange is then rejected at its very end).
 */
export function shipNoticeInterchange(isa13: string, groups: number, sets: number, iea02 = isa13): string {
  let text = `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*BUYERCO        *250319*2021*U*00401*${isa13}*0*T*>~\n`;
  let st = 0;
  for (let g = 1; g <= groups; g++) {
    text += `GS*SH*ACMEFAST*BUYERCO*20250319*2021*${g}*X*004010~\n`;
    for (let s = 0; s < sets; s++) text += shipNotice(`${isa13.slice(-3)}${String(++st).padStart(4, '0')}`);
    text += `GE*${sets}*${g}~\n`;
  }
  return `${text}IEA*${groups}*${iea02}~\n`;
}
