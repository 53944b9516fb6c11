import { constants, createDecipheriv, privateDecrypt, type Decipher, type KeyObject } from 'node:crypto';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import {
  contentEncryptionFromOid,
  digestFromOid,
  MODERN_CONTENT_ENCRYPTION,
  nodeHash,
  OID,
  type ContentEncryptionInfo,
  type KeyTransport,
} from './algorithms.js';
import { octetStringBytes, parseContentInfo } from './cms.js';
import { As2DispositionError } from './disposition.js';
import { implicitRejectionKey, unwrapPkcs1v15 } from './implicit-rejection.js';
import type { As2KeyPair, As2SecurityPolicy } from './policy.js';

export interface Decrypted {
  readonly plaintext: Buffer;
  readonly keyTransport: KeyTransport;
  readonly contentEncryption: ContentEncryptionInfo['name'];
}

/** The parts of an EnvelopedData / AuthEnvelopedData that decide how its content is decrypted. */
export interface EnvelopeParameters {
  readonly recipientInfos: readonly pkijs.RecipientInfo[];
  readonly contentEncryptionAlgorithm: pkijs.AlgorithmIdentifier;
  /** AuthEnvelopedData (RFC 5083): the GCM tag and the DER of the authenticated attributes, if any. */
  readonly mac?: Buffer;
  readonly authAttributes?: Buffer;
}

interface Envelope extends EnvelopeParameters {
  readonly encryptedContentInfo: pkijs.EncryptedContentInfo;
}

/** An envelope whose content key was recovered: a decipher for its content can be made. */
export interface OpenedEnvelope {
  readonly keyTransport: KeyTransport;
  readonly content: ContentEncryptionInfo;
  readonly contentKey: Buffer;
}

/**
 * Decrypts CMS EnvelopedData (RFC 5652 §6) or AuthEnvelopedData (RFC 5083) with one of our keys.
 * Every failure after the policy checks answers `decryption-failed` with no finer distinction, and a
 * PKCS#1 v1.5 padding failure does not even fail here (implicit rejection): it continues with a
 * pseudo-random content key and fails, like any wrong key, when the content is decrypted.
 */
export function decryptEnvelope(der: Buffer, policy: As2SecurityPolicy): Decrypted {
  const envelope = readEnvelope(der);
  const opened = openEnvelope(envelope, policy);
  const plaintext = decryptContent(envelope, opened);
  return { plaintext, keyTransport: opened.keyTransport, contentEncryption: opened.content.name };
}

/**
 * The policy checks and the key transport, in this order: content encryption allowed, GCM only in
 * AuthEnvelopedData, addressed to us, key transport allowed, then the content key (implicit rejection
 * for PKCS#1 v1.5). Shared by the Buffer and the streaming receive, so both answer alike.
 */
export function openEnvelope(envelope: EnvelopeParameters, policy: As2SecurityPolicy): OpenedEnvelope {
  const content = contentEncryptionFromOid(envelope.contentEncryptionAlgorithm.algorithmId);
  const allowedContent = policy.allowedContentEncryption ?? [
    ...MODERN_CONTENT_ENCRYPTION,
    ...(policy.allowLegacy ? (['des-ede3-cbc'] as const) : []),
  ];
  if (!content || !allowedContent.includes(content.name) || (content.legacy && !policy.allowLegacy)) {
    throw As2DispositionError.error(
      'insufficient-message-security',
      `content encryption ${content?.name ?? envelope.contentEncryptionAlgorithm.algorithmId} is not allowed`,
    );
  }
  if ((content.mode === 'gcm') !== (envelope.mac !== undefined)) {
    throw As2DispositionError.error('decryption-failed', `${content.name} in the wrong envelope type`);
  }
  const match = findRecipient(envelope.recipientInfos, policy.ourKeys);
  if (!match)
    throw As2DispositionError.error(
      'decryption-failed',
      'the message is not encrypted to any of our certificates',
    );
  const keyTransport = keyTransportOf(match.recipient);
  if (keyTransport === 'rsa-pkcs1-v1_5' && !policy.allowRsaPkcs1v15) {
    throw As2DispositionError.error(
      'insufficient-message-security',
      'PKCS#1 v1.5 key transport is not enabled for this partner',
    );
  }
  const encryptedKey = octetStringBytes(match.recipient.encryptedKey);
  const contentKey =
    keyTransport === 'rsa-oaep'
      ? unwrapOaep(match.recipient, encryptedKey, match.keys.privateKey)
      : unwrapPkcs1v15Implicit(encryptedKey, content.keyLength, match.keys.privateKey, policy);
  return { keyTransport, content, contentKey };
}

function readEnvelope(der: Buffer): Envelope {
  try {
    const info = parseContentInfo(der);
    if (info.contentType === OID.envelopedData) {
      const enveloped = new pkijs.EnvelopedData({ schema: info.content });
      return {
        recipientInfos: enveloped.recipientInfos,
        contentEncryptionAlgorithm: enveloped.encryptedContentInfo.contentEncryptionAlgorithm,
        encryptedContentInfo: enveloped.encryptedContentInfo,
      };
    }
    if (info.contentType === OID.authEnvelopedData) return readAuthEnveloped(info.content);
    throw new Error(`content type ${info.contentType}`);
  } catch (error) {
    if (error instanceof As2DispositionError) throw error;
    throw As2DispositionError.error('decryption-failed', `unreadable envelope: ${String(error)}`);
  }
}

/** AuthEnvelopedData ::= SEQUENCE { version, [0] originatorInfo OPTIONAL, recipientInfos, authEncryptedContentInfo, [1] authAttrs OPTIONAL, mac, [2] unauthAttrs OPTIONAL } */
function readAuthEnveloped(sequence: asn1js.Sequence): Envelope {
  const items = sequence.valueBlock.value.filter(
    (item) => !(item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0),
  );
  const [, recipients, encrypted, ...rest] = items;
  const authAttrs = rest.find((item) => item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 1);
  const mac = rest.find((item) => item instanceof asn1js.OctetString);
  if (!(recipients instanceof asn1js.Set) || !encrypted || !mac)
    throw new Error('malformed AuthEnvelopedData');
  const encryptedContentInfo = new pkijs.EncryptedContentInfo({ schema: encrypted });
  return {
    recipientInfos: recipients.valueBlock.value.map((schema) => new pkijs.RecipientInfo({ schema })),
    contentEncryptionAlgorithm: encryptedContentInfo.contentEncryptionAlgorithm,
    encryptedContentInfo,
    mac: octetStringBytes(mac as asn1js.OctetString),
    authAttributes: authAttrs ? authenticatedAttributesAad(authAttrs) : undefined,
  };
}

/** The AAD of AuthEnvelopedData: the DER of the [1] authAttrs with a SET OF tag (RFC 5083 §2.2). */
export function authenticatedAttributesAad(authAttrs: asn1js.BaseBlock): Buffer {
  const aad = Buffer.from(authAttrs.toBER(false));
  aad[0] = 0x31;
  return aad;
}

function findRecipient(
  recipients: readonly pkijs.RecipientInfo[],
  ourKeys: readonly As2KeyPair[],
): { recipient: pkijs.KeyTransRecipientInfo; keys: As2KeyPair } | undefined {
  for (const keys of ourKeys) {
    const certificate = pkijs.Certificate.fromBER(keys.certificate.raw);
    const subjectKeyId = certificate.extensions?.find(
      (e) => e.extnID === OID.subjectKeyIdentifier,
    )?.parsedValue;
    for (const info of recipients) {
      if (info.variant !== 1) continue;
      const recipient = info.value as pkijs.KeyTransRecipientInfo;
      const rid = recipient.rid;
      if (rid instanceof pkijs.IssuerAndSerialNumber) {
        if (rid.issuer.isEqual(certificate.issuer) && rid.serialNumber.isEqual(certificate.serialNumber)) {
          return { recipient, keys };
        }
      } else if (rid instanceof asn1js.OctetString && subjectKeyId instanceof asn1js.OctetString) {
        if (rid.isEqual(subjectKeyId)) return { recipient, keys };
      }
    }
  }
  return undefined;
}

function keyTransportOf(recipient: pkijs.KeyTransRecipientInfo): KeyTransport {
  const oid = recipient.keyEncryptionAlgorithm.algorithmId;
  if (oid === OID.rsaesOaep) return 'rsa-oaep';
  if (oid === OID.rsaEncryption) return 'rsa-pkcs1-v1_5';
  throw As2DispositionError.error('decryption-failed', `unsupported key transport ${oid}`);
}

function unwrapOaep(recipient: pkijs.KeyTransRecipientInfo, encryptedKey: Buffer, key: KeyObject): Buffer {
  const params = recipient.keyEncryptionAlgorithm.algorithmParams;
  // Absent or empty parameters mean SHA-1 with MGF1-SHA-1 (RFC 4055 §4.1).
  const oaep =
    params instanceof asn1js.Sequence
      ? new pkijs.RSAESOAEPParams({ schema: params })
      : new pkijs.RSAESOAEPParams();
  const hash = digestFromOid(oaep.hashAlgorithm.algorithmId);
  const mgfHash =
    oaep.maskGenAlgorithm.algorithmId === OID.mgf1 &&
    oaep.maskGenAlgorithm.algorithmParams instanceof asn1js.Sequence
      ? digestFromOid(
          new pkijs.AlgorithmIdentifier({ schema: oaep.maskGenAlgorithm.algorithmParams }).algorithmId,
        )
      : undefined;
  if (!hash || hash !== mgfHash) {
    throw As2DispositionError.error('decryption-failed', 'unsupported RSA-OAEP parameters');
  }
  try {
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: nodeHash(hash) },
      encryptedKey,
    );
  } catch {
    throw As2DispositionError.error('decryption-failed', 'the content key could not be decrypted');
  }
}

function unwrapPkcs1v15Implicit(
  encryptedKey: Buffer,
  keyLength: number,
  key: KeyObject,
  policy: As2SecurityPolicy,
): Buffer {
  // Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt; the raw RSA operation (OpenSSL, constant
  // time) is allowed, and the padding is checked below without a distinct failure path.
  let encoded: Buffer;
  try {
    encoded = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    encoded = Buffer.alloc(0);
  }
  const synthetic = implicitRejectionKey(encryptedKey, keyLength, key, policy.implicitRejectionSecret);
  return unwrapPkcs1v15(encoded, keyLength, synthetic);
}

function decryptContent(envelope: Envelope, opened: OpenedEnvelope): Buffer {
  const decipher = createContentDecipher(envelope, opened);
  try {
    const ciphertext = Buffer.from(envelope.encryptedContentInfo.getEncryptedContent());
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw As2DispositionError.error('decryption-failed', 'the content could not be decrypted');
  }
}

/**
 * A decipher for the envelope's content (AES-CBC, 3DES, or AES-GCM with the tag already set, so
 * `final()` throws unless the tag verifies). Any problem answers `decryption-failed`.
 */
export function createContentDecipher(envelope: EnvelopeParameters, opened: OpenedEnvelope): Decipher {
  const { content, contentKey: key } = opened;
  try {
    const params = envelope.contentEncryptionAlgorithm.algorithmParams;
    if (key.length !== content.keyLength) throw new Error('wrong content key length');
    if (content.mode === 'cbc') {
      if (!(params instanceof asn1js.OctetString)) throw new Error('no IV');
      return createDecipheriv(content.name, key, octetStringBytes(params));
    }
    // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 } (RFC 5084 §3.2)
    if (!(params instanceof asn1js.Sequence)) throw new Error('no GCM parameters');
    const [nonce, icvLength] = params.valueBlock.value;
    if (!(nonce instanceof asn1js.OctetString)) throw new Error('no GCM nonce');
    const tagLength = icvLength instanceof asn1js.Integer ? icvLength.valueBlock.valueDec : 12;
    if (envelope.mac!.length !== tagLength) throw new Error('wrong GCM tag length');
    const decipher = createDecipheriv(content.name as 'aes-256-gcm', key, octetStringBytes(nonce), {
      authTagLength: tagLength,
    });
    decipher.setAuthTag(envelope.mac!);
    if (envelope.authAttributes) decipher.setAAD(envelope.authAttributes);
    return decipher;
  } catch {
    throw As2DispositionError.error('decryption-failed', 'the content could not be decrypted');
  }
}
