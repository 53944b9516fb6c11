/**
 * GS01 functional identifier code (DE 479) expected for common transaction sets (ST01, DE 143). A set
 * in the wrong group is reported; sets missing from this table are not checked.
 */
const SET_TO_GROUP: Readonly<Record<string, string>> = Object.freeze({
  '810': 'IN',
  '812': 'CD',
  '816': 'OR',
  '820': 'RA',
  '824': 'AG',
  '830': 'PS',
  '832': 'SC',
  '840': 'RQ',
  '843': 'RR',
  '844': 'CB',
  '846': 'IB',
  '849': 'CB',
  '850': 'PO',
  '852': 'PD',
  '855': 'PR',
  '856': 'SH',
  '857': 'BS',
  '860': 'PC',
  '861': 'RC',
  '862': 'SS',
  '864': 'TX',
  '865': 'CA',
  '866': 'PS',
  '869': 'RS',
  '870': 'RS',
  '875': 'OG',
  '880': 'GP',
  '940': 'OW',
  '943': 'AR',
  '944': 'RE',
  '945': 'SW',
  '947': 'AW',
  '990': 'GF',
  '997': 'FA',
  '999': 'FA',
  '204': 'SM',
  '210': 'IM',
  '214': 'QM',
  '270': 'HS',
  '271': 'HB',
  '276': 'HR',
  '277': 'HN',
  '278': 'HI',
  '834': 'BE',
  '835': 'HP',
  '837': 'HC',
});

export function expectedFunctionalId(setId: string): string | undefined {
  return SET_TO_GROUP[setId];
}

/** Acknowledgment sets: never answered by another acknowledgment. */
export function isAcknowledgmentSet(setId: string): boolean {
  return setId === '997' || setId === '999';
}
