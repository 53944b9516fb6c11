import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

import * as pkijs from 'pkijs';

import { ensureCryptoEngine, toArrayBuffer } from './cms.js';
import type { As2KeyPair } from './policy.js';

const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/** A PKCS#12 file that cannot be opened; the message never contains the password. */
export class Pkcs12Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Pkcs12Error';
  }
}

/**
 * Our key pair from a PKCS#12 (PFX, RFC 7292) file: the private key and the certificate that matches
 * it (other certificates in the file, such as a CA chain, are ignored). Files written by OpenSSL 3
 * and current tools (PBES2: PBKDF2 with AES, HMAC-SHA-256 MAC) are read with pkijs over WebCrypto.
 * Legacy files (RC2/3DES with SHA-1 PBE, which WebCrypto does not offer) are read through the
 * `openssl pkcs12 -legacy` command, the password passed in its environment, never on its command line.
 */
export async function loadPkcs12(file: Buffer, password: string): Promise<As2KeyPair> {
  let parsed: { keys: KeyObject[]; certificates: X509Certificate[] };
  try {
    parsed = await parseWithPkijs(file, password);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/integrity|mac/i.test(message))
      throw new Pkcs12Error('the PKCS#12 password is wrong or the file is damaged (MAC check failed)');
    if (!/unknown|unsupported|not supported/i.test(message))
      throw new Pkcs12Error(`not a readable PKCS#12 file (${message})`, { cause: error });
    parsed = await parseWithOpenssl(file, password);
  }
  return matchingPair(parsed.keys, parsed.certificates);
}

async function parseWithPkijs(
  file: Buffer,
  password: string,
): Promise<{ keys: KeyObject[]; certificates: X509Certificate[] }> {
  ensureCryptoEngine();
  const secret = toArrayBuffer(Buffer.from(password, 'utf8'));
  const pfx = pkijs.PFX.fromBER(toArrayBuffer(file));
  await pfx.parseInternalValues({ password: secret, checkIntegrity: true });
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw new Error('no authenticated safe');
  await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: secret })) });
  const keys: KeyObject[] = [];
  const certificates: X509Certificate[] = [];
  for (const contents of safe.parsedValue?.safeContents ?? []) {
    for (const bag of contents.value.safeBags) {
      if (bag.bagId === SHROUDED_KEY_BAG) {
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        // Public in pkijs' JavaScript, protected in its typings.
        await (
          shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }
        ).parseInternalValues({ password: secret });
        keys.push(pkcs8(shrouded.parsedValue!.toSchema().toBER(false)));
      } else if (bag.bagId === KEY_BAG) {
        keys.push(pkcs8((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false)));
      } else if (bag.bagId === CERT_BAG) {
        const value = (bag.bagValue as pkijs.CertBag).parsedValue;
        if (value instanceof pkijs.Certificate)
          certificates.push(new X509Certificate(Buffer.from(value.toSchema().toBER(false))));
      }
    }
  }
  return { keys, certificates };
}

async function parseWithOpenssl(
  file: Buffer,
  password: string,
): Promise<{ keys: KeyObject[]; certificates: X509Certificate[] }> {
  let pem: string;
  try {
    const child = promisify(execFile)(
      'openssl',
      ['pkcs12', '-legacy', '-nodes', '-passin', 'env:AS2_PKCS12_SECRET'],
      {
        env: { PATH: process.env.PATH ?? '', AS2_PKCS12_SECRET: password },
        encoding: 'latin1',
        maxBuffer: 1 << 20,
      },
    );
    child.child.stdin?.end(file);
    pem = (await child).stdout;
  } catch (error) {
    // stderr may quote the file's structure, never the password; keep only the first line.
    const detail = String((error as { stderr?: string }).stderr ?? (error as Error).message).split('\n')[0];
    throw new Pkcs12Error(`openssl could not read the legacy PKCS#12 file (${detail})`);
  }
  const blocks = pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  return {
    keys: blocks.filter((b) => /PRIVATE KEY/.test(b)).map((b) => createPrivateKey(b)),
    certificates: blocks.filter((b) => /CERTIFICATE/.test(b)).map((b) => new X509Certificate(b)),
  };
}

function pkcs8(der: ArrayBuffer): KeyObject {
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
}

/** The key and the certificate whose public key it is (a PKCS#12 file may carry a chain). */
export function matchingPair(
  keys: readonly KeyObject[],
  certificates: readonly X509Certificate[],
): As2KeyPair {
  if (keys.length === 0) throw new Pkcs12Error('the PKCS#12 file holds no private key');
  for (const privateKey of keys) {
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const certificate = certificates.find((c) =>
      c.publicKey.export({ type: 'spki', format: 'der' }).equals(spki),
    );
    if (certificate) return { privateKey, certificate };
  }
  throw new Pkcs12Error('the PKCS#12 file holds no certificate for its private key');
}
