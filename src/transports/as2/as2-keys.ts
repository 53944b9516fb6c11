import { generateKeyPairSync, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isScaledOut, type GatewayConfig } from '../../config/config.js';
import { MissingSecretError } from '../../platform/secrets/secret-files.js';
import {
  isWithinValidity,
  loadKeyPair,
  loadPkcs12,
  matchingPair,
  type As2KeyPair,
} from './protocol/index.js';

const GENERATED_KEY = 'as2-key.pem';
const GENERATED_CERT = 'as2-cert.pem';

/**
 * Every key pair of ours: the primary one (AS2_PKCS12_FILE, or AS2_KEY_FILE + AS2_CERT_FILE, or the
 * generated one) and during a key rollover a second one (AS2_ROLLOVER_PKCS12_FILE, or
 * AS2_ROLLOVER_KEY_FILE + AS2_ROLLOVER_CERT_FILE). Each key must match its certificate. Key material
 * and the PKCS#12 password are never logged, and no error message quotes them.
 */
export async function loadOurAs2KeyPairs(config: GatewayConfig): Promise<As2KeyPair[]> {
  const primary = config.AS2_PKCS12_FILE
    ? await pkcs12Pair(config, 'AS2_PKCS12_FILE', config.AS2_PKCS12_FILE)
    : await loadOurAs2Keys(config);
  if (config.AS2_PKCS12_FILE && (config.AS2_KEY_FILE || config.AS2_CERT_FILE))
    throw new Error('configuration error: set AS2_PKCS12_FILE or AS2_KEY_FILE and AS2_CERT_FILE, not both');
  const rollover = await rolloverPair(config);
  return rollover ? [primary, rollover] : [primary];
}

/**
 * The pair that signs (our messages and MDNs): the one whose certificate is valid now and newest
 * (latest notBefore). During a rollover overlap every pair still decrypts, since partners switch to
 * the new certificate at their own pace.
 */
export function signingPair(pairs: readonly As2KeyPair[], at: Date = new Date()): As2KeyPair {
  const valid = pairs.filter((p) => isWithinValidity(p.certificate, at));
  const newest = [...valid].sort(
    (a, b) => Date.parse(b.certificate.validFrom) - Date.parse(a.certificate.validFrom),
  )[0];
  return newest ?? pairs[0]!;
}

/**
 * Our AS2 key pair: AS2_KEY_FILE + AS2_CERT_FILE, or on a single process an RSA-2048 key and a
 * self-signed certificate (CN = AS2_ID, 5 years) generated once into DATA_DIR/secrets and reused on
 * every start: partners pin this certificate, so a new one per start would break every partnership.
 * Several processes must share one pair, so there it must be configured. Key material is never logged.
 */
export async function loadOurAs2Keys(config: GatewayConfig): Promise<As2KeyPair> {
  if ((config.AS2_KEY_FILE === undefined) !== (config.AS2_CERT_FILE === undefined))
    throw new Error('configuration error: set both AS2_KEY_FILE and AS2_CERT_FILE, or neither');
  const paths =
    config.AS2_KEY_FILE && config.AS2_CERT_FILE
      ? { key: config.AS2_KEY_FILE, cert: config.AS2_CERT_FILE }
      : await generatedPair(config);
  return pemPair(paths, 'AS2_KEY_FILE / AS2_CERT_FILE');
}

async function rolloverPair(config: GatewayConfig): Promise<As2KeyPair | undefined> {
  const pem = config.AS2_ROLLOVER_KEY_FILE !== undefined || config.AS2_ROLLOVER_CERT_FILE !== undefined;
  if (config.AS2_ROLLOVER_PKCS12_FILE) {
    if (pem)
      throw new Error(
        'configuration error: set AS2_ROLLOVER_PKCS12_FILE or AS2_ROLLOVER_KEY_FILE and AS2_ROLLOVER_CERT_FILE, not both',
      );
    return pkcs12Pair(config, 'AS2_ROLLOVER_PKCS12_FILE', config.AS2_ROLLOVER_PKCS12_FILE);
  }
  if (!pem) return undefined;
  if (!config.AS2_ROLLOVER_KEY_FILE || !config.AS2_ROLLOVER_CERT_FILE)
    throw new Error(
      'configuration error: set both AS2_ROLLOVER_KEY_FILE and AS2_ROLLOVER_CERT_FILE, or neither',
    );
  return pemPair(
    { key: config.AS2_ROLLOVER_KEY_FILE, cert: config.AS2_ROLLOVER_CERT_FILE },
    'AS2_ROLLOVER_KEY_FILE / AS2_ROLLOVER_CERT_FILE',
  );
}

function pemPair(paths: { key: string; cert: string }, variables: string): As2KeyPair {
  let pair: As2KeyPair;
  try {
    pair = loadKeyPair(readFileSync(paths.key), readFileSync(paths.cert));
  } catch (error) {
    throw new Error(
      `configuration error: ${variables} must hold a PEM private key and its PEM certificate (${(error as Error).message})`,
      { cause: error },
    );
  }
  try {
    return matchingPair([pair.privateKey], [pair.certificate]);
  } catch {
    throw new Error(`configuration error: the key of ${variables} is not the key of its certificate`);
  }
}

async function pkcs12Pair(config: GatewayConfig, variable: string, path: string): Promise<As2KeyPair> {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new Error(`configuration error: ${variable} ${path} cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  try {
    return await loadPkcs12(file, config.AS2_PKCS12_PASSWORD);
  } catch (error) {
    // Pkcs12Error messages never carry the password.
    throw new Error(`configuration error: ${variable} ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function generatedPair(config: GatewayConfig): Promise<{ key: string; cert: string }> {
  const dir = join(resolve(config.DATA_DIR), 'secrets');
  const key = join(dir, GENERATED_KEY);
  const cert = join(dir, GENERATED_CERT);
  if (existsSync(key) && existsSync(cert)) return { key, cert };
  if (isScaledOut(config)) throw new MissingSecretError('AS2_KEY_FILE and AS2_CERT_FILE');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = await selfSigned(config.AS2_ID);
  // One process owns DATA_DIR (its lock); the key is written last, so a key file means a complete pair.
  writeFileSync(cert, pair.cert, { mode: 0o600 });
  writeFileSync(key, pair.key, { mode: 0o600 });
  return { key, cert };
}

/** A self-signed RSA certificate made with pkijs over WebCrypto (no openssl binary needed). */
async function selfSigned(commonName: string): Promise<{ key: string; cert: string }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const subtle = webcrypto.subtle;
  const signingKey = await subtle.importKey(
    'pkcs8',
    privateKey.export({ type: 'pkcs8', format: 'der' }),
    algorithm,
    true,
    ['sign'],
  );
  const jwk = await subtle.exportKey('jwk', signingKey);
  const publicKey = await subtle.importKey('jwk', { kty: jwk.kty, n: jwk.n, e: jwk.e }, algorithm, true, [
    'verify',
  ]);
  const engine = new pkijs.CryptoEngine({
    name: 'node',
    crypto: webcrypto as unknown as pkijs.ICryptoEngine['crypto'],
  });
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  certificate.serialNumber = new asn1js.Integer({ valueHex: new Uint8Array(serial).buffer });
  const name = [
    new pkijs.AttributeTypeAndValue({
      type: '2.5.4.3',
      value: new asn1js.Utf8String({ value: commonName.slice(0, 64) }),
    }),
  ];
  certificate.subject.typesAndValues = name;
  certificate.issuer.typesAndValues = [...name];
  const now = new Date();
  certificate.notBefore.value = new Date(now.getTime() - 60_000);
  certificate.notAfter.value = new Date(now.getTime() + 5 * 365 * 24 * 3600_000);
  await certificate.subjectPublicKeyInfo.importKey(publicKey, engine);
  await certificate.sign(signingKey, 'SHA-256', engine);
  const der = Buffer.from(certificate.toSchema(true).toBER(false));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  new X509Certificate(pem); // fails here, not at the first message, if the encoding were wrong
  return { key: keyPem, cert: pem };
}
