/**
 * Test support: a throw-away PKI made with the `openssl` CLI, and AS2 request bodies built by
 * `openssl cms`, a real external implementation. Not used by production code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';

import * as asn1js from 'asn1js';

import { OID } from '../algorithms.js';
import { loadKeyPair, type As2KeyPair } from '../policy.js';
import type { As2Request } from '../receive.js';

const run = promisify(execFile);

export interface TestIdentity {
  readonly name: string;
  readonly keyPath: string;
  readonly certPath: string;
  readonly keys: As2KeyPair;
}

export class OpensslWorkbench {
  private counter = 0;

  private constructor(readonly dir: string) {}

  static async create(): Promise<OpensslWorkbench> {
    return new OpensslWorkbench(await mkdtemp(join(tmpdir(), 'as2-openssl-')));
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  async openssl(args: readonly string[]): Promise<string> {
    const { stdout } = await run('openssl', args, { cwd: this.dir, encoding: 'latin1', maxBuffer: 64 << 20 });
    return stdout;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async write(bytes: Buffer | string): Promise<string> {
    const file = this.path(`f${++this.counter}.bin`);
    await writeFile(file, bytes);
    return file;
  }

  /** A self-signed RSA certificate; `serial` and `subject` let a test forge a look-alike. */
  async identity(
    name: string,
    options: { subject?: string; serial?: string; days?: number; bits?: number; ec?: boolean } = {},
  ): Promise<TestIdentity> {
    const keyPath = this.path(`${name}.key`);
    const certPath = this.path(`${name}.crt`);
    await this.openssl([
      'req',
      '-x509',
      '-newkey',
      ...(options.ec ? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : [`rsa:${options.bits ?? 2048}`]),
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      String(options.days ?? 30),
      '-subj',
      options.subject ?? `/CN=${name}`,
      ...(options.serial ? ['-set_serial', options.serial] : []),
    ]);
    const keys = loadKeyPair(await readFile(keyPath), await readFile(certPath));
    return { name, keyPath, certPath, keys };
  }

  /** Runs `openssl cms <args> -in <content>` and returns its S/MIME output as an AS2 request. */
  async cms(args: readonly string[], content: Buffer): Promise<As2Request> {
    const input = await this.write(content);
    const output = this.path(`out${++this.counter}.eml`);
    await this.openssl(['cms', ...args, '-in', input, '-out', output]);
    return requestFromSmime(await readFile(output));
  }

  /** `openssl dgst` of exactly these bytes, base64: the MIC computed independently of the core. */
  async digestBase64(bytes: Buffer, algorithm: 'sha256' | 'sha384' | 'sha512' | 'sha1'): Promise<string> {
    const file = await this.write(bytes);
    const out = this.path(`dgst${++this.counter}.bin`);
    await this.openssl(['dgst', `-${algorithm}`, '-binary', '-out', out, file]);
    return (await readFile(out)).toString('base64');
  }
}

/**
 * Splits S/MIME output (headers, empty line, body) into HTTP headers and an HTTP body, the way an
 * AS2 sender puts the outer MIME headers on the HTTP request.
 */
export function requestFromSmime(smime: Buffer): As2Request {
  const text = smime.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) throw new Error('no header block in S/MIME output');
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, match.index).split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return { headers, body: smime.subarray(match.index + match[0].length) };
}

/**
 * CMS CompressedData (RFC 3274) with zlib. The machines' OpenSSL 3.0 is built without zlib
 * (`openssl cms -compress` answers "unsupported compression algorithm"), so compressed fixtures are
 * encoded here; `openssl cms -cmsout -print` still checks their structure.
 */
export function compressedDataDer(
  entity: Buffer,
  deflated: Buffer = deflateSync(entity),
  options: { chunkSize?: number } = {},
): Buffer {
  const encapsulated = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.data }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [octetString(deflated, options.chunkSize)],
      }),
    ],
  });
  const compressed = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.zlibCompress })] }),
      encapsulated,
    ],
  });
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID.compressedData }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [compressed] }),
    ],
  });
  return Buffer.from(contentInfo.toBER(false));
}

/** A primitive OCTET STRING, or with `chunkSize` a constructed one (BER, as streaming senders write). */
function octetString(bytes: Buffer, chunkSize?: number): asn1js.OctetString {
  if (!chunkSize) return new asn1js.OctetString({ valueHex: new Uint8Array(bytes).buffer });
  const chunks: asn1js.OctetString[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize)
    chunks.push(octetString(bytes.subarray(i, i + chunkSize)));
  return new asn1js.OctetString({ isConstructed: true, value: chunks });
}

/** A MIME entity wrapping a CMS structure as application/pkcs7-mime, base64 like S/MIME senders do. */
export function pkcs7MimeEntity(der: Buffer, smimeType: string): Buffer {
  const base64 = der.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return Buffer.from(
    `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7z\r\n` +
      `Content-Transfer-Encoding: base64\r\n\r\n${base64}`,
    'latin1',
  );
}

/** An EDI payload as the MIME part a sender signs or encrypts, with mixed line endings on purpose. */
export function ediEntity(payload: string): Buffer {
  return Buffer.from(
    `Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n${payload}`,
    'latin1',
  );
}
