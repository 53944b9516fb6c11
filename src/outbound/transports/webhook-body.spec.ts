import { describe, expect, it } from 'vitest';
import { parseEdifact } from '../../edi/edifact/index.js';
import { encodeX12 } from '../../edi/x12/index.js';
import type { OutboundDocument } from '../outbound.types.js';
import type { DocumentContent } from './delivery-transport.js';
import { webhookBody } from './webhook.transport.js';

const document = (standard: 'x12' | 'edifact') =>
  ({
    id: '812',
    kind: 'purchase-order',
    standard,
    messageType: standard === 'x12' ? '850' : 'ORDERS',
    filename: `PO-4711.${standard}`,
  }) as unknown as OutboundDocument;

const data = (body: string) =>
  (JSON.parse(body) as { data: { content: string; contentBase64: string; contentType: string } }).data;

/** Bytes as archived: with a charset, or (archived before the charset was recorded) the bare media type. */
const archived = (payload: Buffer, contentType: string): DocumentContent => ({ payload, contentType });
const edifact = (payload: Buffer) => archived(payload, 'application/edifact; charset=ISO-8859-1');

describe('the EDI document a webhook carries', () => {
  it('decodes a UNOC interchange as ISO 8859-1 and carries its exact bytes', () => {
    const text = "UNA:+.? 'UNB+UNOC:3+SENDER+ACME+261127:0800+42'UNH+1+ORDERS:D:96A:UN'NAD+SU+++Müller GmbH'";
    const bytes = Buffer.from(text, 'latin1');
    expect(bytes.includes(0xfc)).toBe(true);
    const sent = data(webhookBody(document('edifact'), edifact(bytes)));
    expect(sent.content).toBe(text);
    expect(Buffer.from(sent.contentBase64, 'base64').equals(bytes)).toBe(true);
  });

  it('decodes by the declared set with other separators (UNA) and for other ISO 8859 parts', () => {
    const unow = "UNA|*.? 'UNB*UNOW|3*S*R*261127|0800*1'NAD*SU***Łódź'";
    expect(
      data(
        webhookBody(
          document('edifact'),
          archived(Buffer.from(unow, 'utf8'), 'application/edifact; charset=UTF-8'),
        ),
      ).content,
    ).toBe(unow);
    // UNOD is ISO 8859-2: 0xA3 is Ł, not the pound sign Latin-1 would make of it.
    const unod = Buffer.concat([
      Buffer.from("UNB+UNOD:3+S+R+261127:0800+1'NAD+SU+++"),
      Buffer.from([0xa3]),
      Buffer.from("'"),
    ]);
    expect(
      data(webhookBody(document('edifact'), archived(unod, 'application/edifact; charset=ISO-8859-2')))
        .content,
    ).toContain('NAD+SU+++Ł');
  });

  it('reads a UNOC interchange whose bytes are valid UTF-8 as the EDIFACT reader does: as UTF-8', () => {
    // Before the generator wrote UNOC as ISO 8859-1 (a6fb5b9), it wrote UTF-8 under UNOC: Müller is C3 BC.
    // By the declared set alone that is "MÃ¼ller"; the reader takes valid UTF-8 as UTF-8 (charsets.ts).
    const text = "UNB+UNOC:3+SENDER+ACME+261127:0800+42'UNH+1+ORDERS:D:96A:UN'NAD+SU+++Müller GmbH'";
    const bytes = Buffer.from(text, 'utf8');
    const nad = parseEdifact(bytes).segments.find((s) => s.id === 'NAD')!;
    expect(nad.elements[4]![0]![0]).toBe('Müller GmbH');
    const sent = data(webhookBody(document('edifact'), edifact(bytes)));
    expect(sent.content).toBe(text);
    expect(Buffer.from(sent.contentBase64, 'base64').equals(bytes)).toBe(true);
  });

  it('reads X12 archived before its charset was recorded as UTF-8 when valid, else as Latin-1', () => {
    const text = 'ISA*00*~N1*SU*Müller~';
    const bare = (bytes: Buffer) => archived(bytes, 'application/edi-x12');
    expect(data(webhookBody(document('x12'), bare(Buffer.from(text, 'utf8')))).content).toBe(text);
    expect(data(webhookBody(document('x12'), bare(Buffer.from(text, 'latin1')))).content).toBe(text);
  });

  it('reads X12 in the charset it was archived with, and names it in contentType', () => {
    const text = 'ISA*00*~N1*SU*Müller~';
    for (const [encoding, charset] of [
      ['utf8', 'UTF-8'],
      ['latin1', 'ISO-8859-1'],
      ['ebcdic', 'IBM037'],
    ] as const) {
      const bytes = encodeX12(text, encoding);
      const sent = data(
        webhookBody(document('x12'), archived(bytes, `application/edi-x12; charset=${charset}`)),
      );
      expect(sent.contentType).toBe(`application/edi-x12; charset=${charset}`);
      // An EBCDIC 997 is cp037: read as Latin-1 it would be unreadable.
      expect(sent.content).toBe(text);
      expect(Buffer.from(sent.contentBase64, 'base64').equals(bytes)).toBe(true);
    }
    // Latin-1 bytes that happen to be valid UTF-8 (Ã¼ is C3 BC) stay Latin-1 when the archive says so.
    const latin1 = Buffer.from('N1*SU*MÃ¼ller~', 'latin1');
    expect(
      data(webhookBody(document('x12'), archived(latin1, 'application/edi-x12; charset=ISO-8859-1'))).content,
    ).toBe('N1*SU*MÃ¼ller~');
  });
});
