/** The boundary MDN_EXAMPLE's Content-Type names (ours are `----=_AS2_` and 32 random hex digits). */
const BOUNDARY = '----=_AS2_5f0c7a523c1e4f6a9a0e2b7d9c1e4a10';

/** The Content-Type of MDN_EXAMPLE: a multipart body is read with the boundary its header names. */
export const MDN_EXAMPLE_CONTENT_TYPE = `multipart/report; report-type=disposition-notification; boundary="${BOUNDARY}"`;

/**
 * The unsigned MDN (RFC 3798, RFC 4130 §7.4) the receive endpoint answers to Acme's message
 * `<msg-4711@acme>` (AS2-To SUPPLIERGW), byte for byte as `buildMdn` writes it: a human-readable
 * part and the disposition notification. The message was the X12 855 of the partner API examples
 * posted as a plain `application/edi-x12` body, so the MIC is the sha-256 of that content
 * (RFC 4130 §7.3.1).
 */
export const MDN_EXAMPLE = [
  `--${BOUNDARY}`,
  'Content-Type: text/plain; charset=us-ascii',
  'Content-Transfer-Encoding: 7bit',
  '',
  'The AS2 message <msg-4711@acme> sent to SUPPLIERGW was received and stored. This receipt does not confirm the business content.',
  `--${BOUNDARY}`,
  'Content-Type: message/disposition-notification',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Reporting-UA: Supplier Gateway AS2',
  'Original-Recipient: rfc822; SUPPLIERGW',
  'Final-Recipient: rfc822; SUPPLIERGW',
  'Original-Message-ID: <msg-4711@acme>',
  'Received-content-MIC: q8Sg2i35PiwgtQjOhgAtnNRUGGfAvGQwbKqeUP9M9IU=, sha-256',
  'Disposition: automatic-action/MDN-sent-automatically; processed',
  '',
  `--${BOUNDARY}--`,
  '',
].join('\r\n');
