/**
 * X12 versions as numbers, so that rules like "ISA11 is the repetition separator from 00402 on" are
 * comparisons. GS08 carries version/release/industry ("004010VICS", "005010X222A1"): the first six
 * digits are the version; ISA12 carries the interchange control version ("00401").
 */

/** GS08 → 4010, 5010, 3010…; `undefined` when the first six characters are not digits. */
export function groupVersionNumber(gs08: string): number | undefined {
  if (gs08.length < 6) return undefined;
  let v = 0;
  for (let i = 0; i < 6; i++) {
    const d = gs08.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

/** ISA12 → 401, 501…; `undefined` when not five digits. */
export function interchangeVersionNumber(isa12: string): number | undefined {
  if (!/^\d{5}$/.test(isa12)) return undefined;
  return Number(isa12);
}

/**
 * ISA12 values of code list I11 (00200, 00201, 00204, 00300–00307, 00400–00406, 00501…): always
 * "00", a major version 2–9, "0", a release digit. "00000" or "00040" name no version (TA105 017).
 */
export function isInterchangeVersionCode(isa12: string): boolean {
  return /^00[2-9]0\d$/.test(isa12);
}

/** The code-list family a version answers with: 004010 lists up to 004060, 005010 lists from 005010. */
export type X12CodeVersion = '004010' | '005010';

export function codeVersionFor(
  groupVersion: number | undefined,
  interchangeVersion: number | undefined,
): X12CodeVersion {
  if (groupVersion !== undefined) return groupVersion >= 5010 ? '005010' : '004010';
  if (interchangeVersion !== undefined) return interchangeVersion >= 501 ? '005010' : '004010';
  return '005010';
}
