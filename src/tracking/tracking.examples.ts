/**
 * The archived interchange the admin OpenAPI examples show (interchange 5120): Acme Fasteners' X12 855
 * (004010) acknowledging PO 4500012345 revision 0, as it came in through its SFTP mailbox. Line 1 is
 * accepted as ordered (BAK02 AD, ACK IA): 500 hex bolts M8x25, our part 100-20455, theirs
 * AF-HHCS-M8X25-ZP; EA is Acme's code for one (C62 through its profile's unit cross-references).
 */
export const INTERCHANGE_CONTENT_EXAMPLE = [
  'ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*SUPPLIERGW     *261127*1015*U*00401*000005151*0*P*>~',
  'GS*PR*ACMEFAST*SUPPLIERGW*20261127*1015*5151*X*004010~',
  'ST*855*0001~',
  'BAK*00*AD*4500012345*20261127****SO-88412~',
  'REF*PP*0~',
  'DTM*097*20261127*1015*UT~',
  'PO1*1*500*EA***BP*100-20455*VP*AF-HHCS-M8X25-ZP~',
  'ACK*IA*500*EA~',
  'CTT*1~',
  'SE*8*0001~',
  'GE*1*5151~',
  'IEA*1*000005151~',
].join('');

/** The archive row of INTERCHANGE_CONTENT_EXAMPLE: its size and sha256 are those of the bytes above. */
export const INTERCHANGE_EXAMPLE = {
  id: '5120',
  direction: 'inbound',
  channel: 'sftp-mailbox',
  partnerId: 'acme-fasteners',
  receivedAt: '2026-11-27T10:15:02.000Z',
  sha256: '7e52d4ffd66f042fdd13b8baff0ac8edf28f655f099d7ef9752016e6588e93cd',
  size: 352,
  storage: 'inline',
  contentType: 'application/edi-x12',
  filename: '/inbound/855-4500012345.x12',
  callerKey: null,
  metadata: {},
  status: 'processed',
  statusDetail: null,
  duplicateOf: null,
  answer: {},
  correlationId: 'po:4500012345',
} as const;
