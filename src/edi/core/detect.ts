/** The EDI standard a payload is written in, decided from its first bytes. */
export type EdiStandard = 'x12' | 'edifact' | 'unknown';

export interface EdiDetection {
  readonly standard: EdiStandard;
  /** EDIFACT only: the payload starts with a message (UNH) instead of UNA/UNB. */
  readonly bareMessage: boolean;
  /** Offset of the first significant byte (after a UTF-8 BOM and whitespace). */
  readonly offset: number;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * How many first bytes every channel hands to `detectEdiStandard`: one length for all, so a payload
 * with a BOM and blank lines before its first segment is recognised alike over AS2, SFTP and the rest.
 */
export const EDI_SNIFF_BYTES = 512;

/** The first EDI_SNIFF_BYTES of a payload, what `detectEdiStandard` is given. */
export function ediSniffHead(payload: Uint8Array): Uint8Array {
  return payload.subarray(0, EDI_SNIFF_BYTES);
}

/**
 * Looks at the start of a payload: "ISA" is X12; "UNA", "UNB" or a bare "UNH" is EDIFACT (ISO 9735
 * allows UNA, requires UNB; a bare UNH is read but reported as missing its interchange). A UTF-8 BOM
 * and CR, LF, space or tab before the first segment are skipped. EBCDIC X12 ("ÉâÁ") is detected too.
 */
export function detectEdiStandard(head: Uint8Array): EdiDetection {
  let i = 0;
  if (head[0] === BOM[0] && head[1] === BOM[1] && head[2] === BOM[2]) i = 3;
  while (i < head.length && (head[i] === 0x0d || head[i] === 0x0a || head[i] === 0x20 || head[i] === 0x09))
    i++;
  const tag = String.fromCharCode(head[i] ?? 0, head[i + 1] ?? 0, head[i + 2] ?? 0);
  if (tag === 'ISA' || tag === '\xc9\xe2\xc1') return { standard: 'x12', bareMessage: false, offset: i };
  if (tag === 'UNA' || tag === 'UNB') return { standard: 'edifact', bareMessage: false, offset: i };
  if (tag === 'UNH') return { standard: 'edifact', bareMessage: true, offset: i };
  return { standard: 'unknown', bareMessage: false, offset: i };
}
