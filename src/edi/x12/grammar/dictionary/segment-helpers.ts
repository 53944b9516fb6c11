/** Builders for the repetitive parts of the segment dictionary (product id pairs and their notes). */
/** `n` product id qualifier/id pairs starting at element `first`, with their paired notes (P0607…). */
export function idPairs(n: number): string[] {
  return Array.from({ length: n }, () => ['235 X', '234 X']).flat();
}
export function pairNotes(first: number, n: number): string[] {
  return Array.from({ length: n }, (_, k) => `P${pad(first + 2 * k)}${pad(first + 2 * k + 1)}`);
}
export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `n` date/time triplets: qualifier (374), date (373), time (337). */
export function dateTriplets(n: number): string[] {
  return Array.from({ length: n }, () => ['374 X', '373 X', '337 X']).flat();
}

/** A triplet at `q`: its date and time need the qualifier, the qualifier needs one of them. */
export function tripletNotes(q: number): string[] {
  const [a, b, c] = [pad(q), pad(q + 1), pad(q + 2)];
  return [`C${b}${a}`, `C${c}${a}`, `L${a}${b}${c}`];
}
