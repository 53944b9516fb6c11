/**
 * Transaction sets the gateway translates today. Everything else is still read and its envelopes are
 * checked, but the set is answered "not supported" (AK5 R / AK502 1, X12 DE 718 code 1) rather than
 * misread by a grammar written for another document or version.
 */
export const SUPPORTED_X12_SETS: readonly string[] = Object.freeze([
  '850',
  '855',
  '856',
  '860',
  '865',
  '997',
  '999',
]);

/**
 * Versions by GS08's first six characters (version + release, X12.6 §3.3.4: "004010VICS" and
 * "005010X231A1" are industry identifiers on top of 004010 and 005010).
 */
export const SUPPORTED_X12_VERSIONS: readonly string[] = Object.freeze(['004010', '005010']);

/** The `isSetSupported` option of the X12 reader for the sets above. */
export function isSupportedX12Set(set: { setId: string; version: string }): boolean {
  return SUPPORTED_X12_SETS.includes(set.setId) && SUPPORTED_X12_VERSIONS.includes(set.version.slice(0, 6));
}
