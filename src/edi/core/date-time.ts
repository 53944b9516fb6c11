/**
 * Date and time checks for envelope fields, shared by both engines: X12.5 DT/TM (ISA09/10, GS04/05) and
 * ISO 9735 UNB/UNG S004 (YYMMDD in syntax 1–3, CCYYMMDD in syntax 4; HHMM).
 */

function digits(value: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** ISA09, UNB S004 (syntax 1–3): YYMMDD. The century is unknown, so 00 is read as 2000 (a leap year) and 29 February passes. */
export function isValidYymmdd(value: string): boolean {
  if (value.length !== 6) return false;
  const yy = digits(value, 0, 2);
  const mm = digits(value, 2, 2);
  const dd = digits(value, 4, 2);
  return yy >= 0 && mm >= 0 && dd >= 0 && validDay(2000 + yy, mm, dd);
}

/** GS04, UNB S004 (syntax 4): CCYYMMDD (004010 on); YYMMDD is still accepted when `allowYymmdd` (GS04 was 6 digits before 004010). */
export function isValidGroupDate(value: string, allowYymmdd: boolean): boolean {
  if (value.length === 6) return allowYymmdd && isValidYymmdd(value);
  if (value.length !== 8) return false;
  const y = digits(value, 0, 4);
  const m = digits(value, 4, 2);
  const d = digits(value, 6, 2);
  return y >= 0 && m >= 0 && d >= 0 && validDay(y, m, d);
}

/** HHMM (ISA10, UNB/UNG S004) or HHMM[SS[d[d]]] (GS05): hours 00–23, minutes and seconds 00–59, decimal seconds digits. */
export function isValidTime(value: string, allowSeconds: boolean): boolean {
  const len = value.length;
  if (len !== 4 && !(allowSeconds && (len === 6 || len === 7 || len === 8))) return false;
  const hh = digits(value, 0, 2);
  const mm = digits(value, 2, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return false;
  if (len === 4) return true;
  const ss = digits(value, 4, 2);
  if (ss < 0 || ss > 59) return false;
  return len === 6 || digits(value, 6, len - 6) >= 0;
}
