import { describe, expect, it } from 'vitest';
import { ACKNOWLEDGMENT_X12_EXAMPLE } from '../api/schemas/partner-document.examples.js';
import { REPORTING_UA } from './as2-answer.js';
import { MDN_EXAMPLE, MDN_EXAMPLE_CONTENT_TYPE } from './as2.examples.js';
import { buildMdn, peekMdn, receiveAs2Message, verifyMdn } from './protocol/index.js';

/**
 * The MDN published as the OpenAPI example of POST /as2 is the one the gateway writes for that message
 * (only the random boundary fixed), and an AS2 peer reading it finds our Message-ID, `processed` and
 * the MIC of the message.
 */
const MESSAGE_ID = '<msg-4711@acme>';
const boundaryOf = (contentType: string) => /boundary="([^"]+)"/.exec(contentType)![1]!;

async function receivedPlain855() {
  const received = await receiveAs2Message(
    {
      headers: {
        'content-type': 'application/edi-x12',
        'message-id': MESSAGE_ID,
        'as2-from': 'ACME-AS2',
        'as2-to': 'SUPPLIERGW',
      },
      body: Buffer.from(ACKNOWLEDGMENT_X12_EXAMPLE, 'latin1'),
    },
    {
      requireSigned: false,
      requireEncrypted: false,
      partnerCertificates: [],
      ourKeys: [],
      allowLegacy: false,
      allowRsaPkcs1v15: false,
      maxDecompressedBytes: 1 << 20,
    },
  );
  if (!received.ok) throw new Error('the plain 855 was not received');
  return received;
}

describe('the AS2 MDN example published in the OpenAPI document', () => {
  it('is byte for byte the MDN the receive side builds for the plain 855 it answers', async () => {
    const received = await receivedPlain855();
    const built = await buildMdn({
      reportingUa: REPORTING_UA,
      originalRecipient: 'SUPPLIERGW',
      finalRecipient: 'SUPPLIERGW',
      originalMessageId: MESSAGE_ID,
      disposition: { kind: 'processed' },
      mic: received.mic,
    });
    const ours = built.body
      .toString('latin1')
      .replaceAll(boundaryOf(built.contentType), boundaryOf(MDN_EXAMPLE_CONTENT_TYPE));
    expect(MDN_EXAMPLE).toBe(ours);
    expect(MDN_EXAMPLE_CONTENT_TYPE).toBe(
      built.contentType.replace(boundaryOf(built.contentType), boundaryOf(MDN_EXAMPLE_CONTENT_TYPE)),
    );
  });

  it('reads as a complete MDN: our Message-ID, processed, the MIC of the message', async () => {
    const received = await receivedPlain855();
    const headers = { 'content-type': MDN_EXAMPLE_CONTENT_TYPE };
    const body = Buffer.from(MDN_EXAMPLE, 'latin1');
    expect(peekMdn(headers, body)).toEqual({
      signed: false,
      fields: {
        originalMessageId: MESSAGE_ID,
        disposition: 'automatic-action/MDN-sent-automatically; processed',
        receivedContentMic: `${received.mic!.digest}, sha-256`,
      },
    });
    expect(
      verifyMdn(headers, body, {
        messageId: MESSAGE_ID,
        mic: received.mic!,
        signedRequested: false,
        partnerCertificates: [],
      }),
    ).toMatchObject({ delivered: true, signed: false });
  });
});
