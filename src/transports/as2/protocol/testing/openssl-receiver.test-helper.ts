/**
 * Test support: an AS2 partner's server whose cryptography is `openssl cms`, a real external
 * implementation. It decrypts and verifies what the gateway sends, computes the MIC independently
 * (`openssl dgst` over the bytes RFC 4130 §7.3.1 names) and answers an MDN built and signed by
 * `openssl cms -sign`, in the behaviour a test picks: a good MDN, a wrong MIC, no MIC, unsigned (with
 * or without a MIC), for another Message-ID, none at all; synchronously or posted to the
 * Receipt-Delivery-Option. Not used by production code.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';

import * as asn1js from 'asn1js';

import { requestFromSmime, type OpensslWorkbench, type TestIdentity } from './openssl.test-helper.js';

export type MdnBehaviour =
  | 'good'
  | 'wrong-mic'
  | 'unsigned'
  | 'other-message-id'
  | 'none'
  /** Signed, without a Received-content-MIC. */
  | 'no-mic'
  /** Unsigned, without a Received-content-MIC (optional for an unsigned receipt, RFC 4130 §7.4.3). */
  | 'unsigned-no-mic';

const UNSIGNED: readonly MdnBehaviour[] = ['unsigned', 'unsigned-no-mic'];

export interface ReceivedAs2 {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly messageId: string;
  /** What openssl did with the message, e.g. ['decrypted (openssl cms -decrypt)', 'signature verified …']. */
  readonly steps: string[];
  /** The EDI payload inside, exactly. */
  readonly payload?: Buffer;
  /** The MIC the receiver computed with openssl dgst, `base64, sha-256`. */
  readonly mic?: string;
  readonly error?: string;
  /** The MDN answered or posted (undefined: none). */
  mdn?: { readonly async: boolean; readonly signed: boolean; readonly status?: number };
}

/** Behaviour per URL path: `/<sync|async>/<behaviour>`. */
export class OpensslAs2Receiver {
  readonly received: ReceivedAs2[] = [];
  private server?: Server;

  constructor(
    private readonly wb: OpensslWorkbench,
    /** The receiver's own key and certificate (what the gateway pins and encrypts to). */
    private readonly identity: TestIdentity,
    /** The gateway's certificate, the trust anchor its signatures are verified with. */
    private readonly senderCertPath: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => {
          if (answer === 'drop') return void req.socket.destroy();
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        (error: unknown) => {
          res.writeHead(500).end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): void {
    this.server?.close();
  }

  for(messageId: string): ReceivedAs2[] {
    return this.received.filter((r) => r.messageId === messageId);
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<'drop' | { status: number; headers: Record<string, string>; body: Buffer }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const [mode = 'sync', behaviour = 'good'] = (req.url ?? '/').split('?')[0]!.split('/').filter(Boolean);
    const record: ReceivedAs2 = {
      path: req.url ?? '/',
      headers: req.headers,
      body,
      messageId: String(req.headers['message-id'] ?? ''),
      steps: [],
    };
    let unwrapped: { payload: Buffer; mic: string };
    try {
      unwrapped = await this.unwrap(req.headers, body, record.steps);
      Object.assign(record, unwrapped);
    } catch (error) {
      Object.assign(record, { error: (error as Error).message });
      this.received.push(record);
      return { status: 500, headers: { 'content-type': 'text/plain' }, body: Buffer.from('unreadable') };
    }
    // Listed once unwrapped, so a test that sees it can build an MDN for it.
    this.received.push(record);
    if (behaviour === 'none') {
      // The partner took the message but its MDN never comes: the connection drops (sync) or the
      // request is answered with no MDN ever posted (async).
      return mode === 'async' ? { status: 200, headers: {}, body: Buffer.alloc(0) } : 'drop';
    }
    const mdn = await this.buildMdn(record, behaviour as Exclude<MdnBehaviour, 'none'>);
    const signed = !UNSIGNED.includes(behaviour as MdnBehaviour);
    if (mode === 'async') {
      const url = String(req.headers['receipt-delivery-option'] ?? '');
      setTimeout(() => {
        void post(url, mdn.headers, mdn.body).then(
          (status) => (record.mdn = { async: true, signed, status }),
          () => (record.mdn = { async: true, signed }),
        );
      }, 200);
      return { status: 200, headers: {}, body: Buffer.alloc(0) };
    }
    record.mdn = { async: false, signed };
    return { status: 200, headers: mdn.headers, body: mdn.body };
  }

  /** openssl decrypts and verifies, layer by layer; the MIC follows RFC 4130 §7.3.1 / RFC 5402 §4. */
  private async unwrap(
    headers: IncomingMessage['headers'],
    body: Buffer,
    steps: string[],
  ): Promise<{ payload: Buffer; mic: string }> {
    const contentType = String(headers['content-type'] ?? '');
    let entity: Buffer = Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), body]);
    let mic: string | undefined;
    let layered = false;
    const micAlg = micAlgOf(String(headers['disposition-notification-options'] ?? ''));
    for (let depth = 0; depth < 6; depth++) {
      const type = headerOf(entity, 'content-type').toLowerCase();
      if (type.startsWith('application/pkcs7-mime') && type.includes('enveloped-data')) {
        layered = true;
        const der = bodyOf(entity);
        entity = Buffer.from(
          await this.wb.openssl([
            'cms',
            '-decrypt',
            '-binary',
            '-inform',
            'DER',
            '-in',
            await this.wb.write(der),
            '-recip',
            this.identity.certPath,
            '-inkey',
            this.identity.keyPath,
          ]),
          'latin1',
        );
        const info = await this.wb.openssl([
          'cms',
          '-cmsout',
          '-print',
          '-inform',
          'DER',
          '-in',
          await this.wb.write(der),
        ]);
        const cipher = /contentEncryptionAlgorithm:\s*\n\s*algorithm: (\S+)/.exec(info)?.[1] ?? '?';
        const keyTransport = /keyEncryptionAlgorithm:\s*\n\s*algorithm: (\S+)/.exec(info)?.[1] ?? '?';
        steps.push(`openssl cms -decrypt (${cipher}, ${keyTransport})`);
      } else if (type.startsWith('multipart/signed')) {
        layered = true;
        const signed = await opensslVerifyMultipartSigned(
          this.wb,
          headerOf(entity, 'content-type'),
          bodyOf(entity),
          this.senderCertPath,
        );
        const digest = /micalg="?([^";]+)"?/i.exec(headerOf(entity, 'content-type'))?.[1] ?? '?';
        steps.push(`openssl cms -verify (${digest})`);
        mic ??= `${await this.wb.digestBase64(signed, dgst(micAlg))}, ${micAlg}`;
        entity = signed;
      } else if (type.startsWith('application/pkcs7-mime') && type.includes('compressed-data')) {
        layered = true;
        // This OpenSSL has no zlib: it checks the structure, node inflates the content.
        const der = bodyOf(entity);
        const printed = await this.wb.openssl([
          'cms',
          '-cmsout',
          '-print',
          '-inform',
          'DER',
          '-in',
          await this.wb.write(der),
        ]);
        if (!/id-smime-alg-zlibCompress|zlib/i.test(printed)) throw new Error('not zlib CompressedData');
        entity = inflateSync(compressedContent(der));
        steps.push('openssl cms -cmsout (CompressedData), inflated by node zlib');
      } else break;
    }
    const payload = bodyOf(entity);
    // Encrypted or compressed but unsigned: over the innermost entity with headers; plain: the content.
    mic ??= `${await this.wb.digestBase64(layered ? entity : payload, dgst(micAlg))}, ${micAlg}`;
    if (!layered) steps.push('plain');
    return { payload, mic };
  }

  /**
   * An MDN for a message this receiver took, built and (unless unsigned) signed by `openssl cms
   * -sign` with the receiver's key, or with `signer` (a certificate the gateway has not pinned).
   */
  async buildMdn(
    received: ReceivedAs2,
    behaviour: Exclude<MdnBehaviour, 'none'>,
    signer: TestIdentity = this.identity,
  ): Promise<{ headers: Record<string, string>; body: Buffer }> {
    const headers = received.headers;
    const mic = received.mic ?? '';
    const messageId = String(headers['message-id']);
    const boundary = `report-${randomBytes(8).toString('hex')}`;
    const ourName = String(headers['as2-to']);
    const theMic =
      behaviour === 'wrong-mic' ? `${Buffer.alloc(32, 7).toString('base64')}, ${mic.split(', ')[1]}` : mic;
    const withMic = behaviour !== 'no-mic' && behaviour !== 'unsigned-no-mic';
    const original =
      behaviour === 'other-message-id' ? `<someone-else-${randomBytes(4).toString('hex')}@x>` : messageId;
    const report = Buffer.from(
      [
        `Content-Type: multipart/report; report-type=disposition-notification; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        'The message was received (openssl test receiver).',
        `--${boundary}`,
        'Content-Type: message/disposition-notification',
        '',
        'Reporting-UA: openssl-test-receiver',
        `Original-Recipient: rfc822; ${ourName}`,
        `Final-Recipient: rfc822; ${ourName}`,
        `Original-Message-ID: ${original}`,
        ...(withMic ? [`Received-content-MIC: ${theMic}`] : []),
        'Disposition: automatic-action/MDN-sent-automatically; processed',
        '',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
      'latin1',
    );
    const as2Headers = {
      'as2-version': '1.2',
      'as2-from': ourName,
      'as2-to': String(headers['as2-from']),
      'message-id': `<mdn-${randomBytes(6).toString('hex')}@openssl-receiver>`,
      'mime-version': '1.0',
    };
    if (UNSIGNED.includes(behaviour)) {
      const split = report.indexOf('\r\n\r\n');
      return {
        headers: { ...as2Headers, 'content-type': headerOf(report, 'content-type') },
        body: report.subarray(split + 4),
      };
    }
    const out = this.wb.path(`mdn-${randomBytes(4).toString('hex')}.eml`);
    await this.wb.openssl([
      'cms',
      '-sign',
      '-binary',
      '-crlfeol',
      '-md',
      'sha256',
      '-in',
      await this.wb.write(report),
      '-signer',
      signer.certPath,
      '-inkey',
      signer.keyPath,
      '-out',
      out,
    ]);
    const smime = requestFromSmime(await readFile(out));
    return {
      headers: { ...as2Headers, 'content-type': String(smime.headers['content-type']) },
      body: smime.body,
    };
  }
}

/**
 * Verifies a multipart/signed body with `openssl cms -verify` over the exact bytes of its first part
 * (detached, DER signature; OpenSSL 3.0's S/MIME reader rewrites line endings, so the parts are split
 * here) and returns those bytes.
 */
export async function opensslVerifyMultipartSigned(
  wb: OpensslWorkbench,
  contentType: string,
  body: Buffer,
  trustCertPath: string,
): Promise<Buffer> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new Error('multipart/signed without boundary');
  const [signed, signature] = parts(body, boundary);
  if (!signed || !signature) throw new Error('multipart/signed lacks a part');
  const sigDer = Buffer.from(bodyOf(signature).toString('latin1').replace(/\s+/g, ''), 'base64');
  await wb.openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    await wb.write(sigDer),
    '-content',
    await wb.write(signed),
    '-CAfile',
    trustCertPath,
    '-purpose',
    'any',
    '-out',
    wb.path(`verified-${randomBytes(4).toString('hex')}.bin`),
  ]);
  return signed;
}

function micAlgOf(options: string): 'sha-256' | 'sha-384' | 'sha-512' {
  const requested = /signed-receipt-micalg\s*=\s*(?:optional|required)\s*,\s*([^;]+)/i.exec(options)?.[1];
  const first = requested?.split(',')[0]?.trim().toLowerCase();
  return first === 'sha-384' || first === 'sha-512' ? first : 'sha-256';
}

function dgst(alg: string): 'sha256' | 'sha384' | 'sha512' {
  return alg === 'sha-384' ? 'sha384' : alg === 'sha-512' ? 'sha512' : 'sha256';
}

function headerEnd(entity: Buffer): number {
  const crlf = entity.indexOf('\r\n\r\n');
  if (crlf >= 0) return crlf;
  throw new Error('no header block');
}

function headerOf(entity: Buffer, name: string): string {
  const block = entity
    .subarray(0, headerEnd(entity))
    .toString('latin1')
    .replace(/\r\n[ \t]+/g, ' ');
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return '';
}

function bodyOf(entity: Buffer): Buffer {
  return entity.subarray(headerEnd(entity) + 4);
}

/** The parts of a multipart body, exact bytes; the CRLF before a delimiter belongs to it (RFC 2046). */
function parts(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const out: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const lineEnd = body.indexOf('\r\n', at);
    if (body.subarray(at + delimiter.length, at + delimiter.length + 2).toString() === '--') break;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), lineEnd);
    if (next < 0) break;
    out.push(body.subarray(lineEnd + 2, next));
    at = next + 2;
  }
  return out;
}

/** The deflated octets inside CMS CompressedData (RFC 3274). */
function compressedContent(der: Buffer): Buffer {
  const info = asn1js.fromBER(new Uint8Array(der).buffer).result as asn1js.Sequence;
  const compressed = (info.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence;
  const encap = compressed.valueBlock.value[2] as asn1js.Sequence;
  const wrapped = (encap.valueBlock.value[1] as asn1js.Constructed).valueBlock.value[0] as asn1js.OctetString;
  if (wrapped.idBlock.isConstructed) {
    return Buffer.concat(
      wrapped.valueBlock.value.map((chunk) =>
        Buffer.from((chunk as asn1js.OctetString).valueBlock.valueHexView),
      ),
    );
  }
  return Buffer.from(wrapped.valueBlock.valueHexView);
}

export function post(url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
