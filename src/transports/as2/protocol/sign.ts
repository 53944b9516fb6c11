import { createHash, webcrypto, type KeyObject, type X509Certificate } from 'node:crypto';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { nodeHash, OID, webCryptoHash, type MicAlgorithm } from './algorithms.js';
import { ensureCryptoEngine, toArrayBuffer } from './cms.js';

/**
 * A detached CMS SignedData (RFC 5652 §5, as S/MIME multipart/signed uses it) over `content`, with the
 * content-type, signing-time and message-digest signed attributes and our certificate included.
 * RSA (PKCS#1 v1.5) and EC keys.
 */
export async function signDetached(
  content: Buffer,
  privateKey: KeyObject,
  certificate: X509Certificate,
  digest: MicAlgorithm,
): Promise<Buffer> {
  ensureCryptoEngine();
  const cert = pkijs.Certificate.fromBER(certificate.raw);
  const messageDigest = createHash(nodeHash(digest)).update(content).digest();
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: OID.contentTypeAttribute,
              values: [new asn1js.ObjectIdentifier({ value: OID.data })],
            }),
            new pkijs.Attribute({
              type: OID.signingTimeAttribute,
              values: [new asn1js.UTCTime({ valueDate: new Date() })],
            }),
            new pkijs.Attribute({
              type: OID.messageDigestAttribute,
              values: [new asn1js.OctetString({ valueHex: toArrayBuffer(messageDigest) })],
            }),
          ],
        }),
      }),
    ],
    certificates: [cert],
  });
  const key = await importSigningKey(privateKey, digest);
  await signedData.sign(key, 0, webCryptoHash(digest));
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}

async function importSigningKey(privateKey: KeyObject, digest: MicAlgorithm): Promise<webcrypto.CryptoKey> {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const hash = webCryptoHash(digest);
  const algorithm =
    privateKey.asymmetricKeyType === 'ec'
      ? { name: 'ECDSA', namedCurve: curveName(privateKey) }
      : { name: 'RSASSA-PKCS1-v1_5', hash };
  return webcrypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), algorithm, false, ['sign']);
}

function curveName(privateKey: KeyObject): string {
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 'P-256';
  if (curve === 'secp384r1') return 'P-384';
  if (curve === 'secp521r1') return 'P-521';
  throw new Error(`unsupported EC curve ${curve}`);
}
