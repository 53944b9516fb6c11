/** Largest ISA13 / GS06 / ST02 the gateway writes (ISA13 is nine digits, X12.5; GS06 and ST02 fit). */
export const MAX_CONTROL_NUMBER = 999_999_999;

/**
 * Takes `count` consecutive control numbers from a counter whose next value is `next`. Numbers wrap
 * to 1 after 999999999 (X12.5 allows reuse once the window of the receiver has long passed); a range
 * never straddles the wrap, so one document's numbers are always ascending.
 */
export function allocateRange(
  next: number,
  count: number,
): { readonly values: number[]; readonly next: number } {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`cannot allocate ${count} control numbers`);
  if (count > MAX_CONTROL_NUMBER) throw new Error(`cannot allocate ${count} control numbers at once`);
  const start = Number.isSafeInteger(next) && next >= 1 && next <= MAX_CONTROL_NUMBER ? next : 1;
  const first = start + count - 1 <= MAX_CONTROL_NUMBER ? start : 1;
  const after = first + count;
  return {
    values: Array.from({ length: count }, (_, i) => first + i),
    next: after > MAX_CONTROL_NUMBER ? 1 : after,
  };
}
