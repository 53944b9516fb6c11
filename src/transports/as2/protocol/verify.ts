import { createHash, timingSafeEqual, verify as verifySignature, type X509Certificate } from 'node:crypto';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { digestFromOid, isSupportedSignatureOid, nodeHash, OID, type MicAlgorithm } from './algorithms.js';
import { encapsulatedContent, octetStringBytes, parseContentInfo } from './cms.js';
import { As2DispositionError } from './disposition.js';
import { allowedDigests, isWithinValidity, type As2SecurityPolicy } from './policy.js';

export interface VerifiedSignature {
  /** The signed content: the detached part's exact bytes, or the encapsulated content. */
  readonly content: Buffer;
  readonly digestAlgorithm: MicAlgorithm;
  /** The pinned certificate whose key verified the signature. */
  readonly certificate: X509Certificate;
}

/**
 * Verifies a CMS SignedData (RFC 5652 §5.6) only against the partner's pinned certificates. The
 * certificates inside the message are ignored: a forged certificate can copy the issuer and serial
 * number of the real one, so the signer is whichever pinned certificate's public key verifies the
 * signature, and it must be within its validity window.
 */
export function verifySignedData(
  signedDataDer: Buffer,
  detachedContent: Buffer | undefined,
  policy: As2SecurityPolicy,
): VerifiedSignature {
  const signedData = readSignedData(signedDataDer);
  const content = detachedContent ?? encapsulatedContent(signedData.encapContentInfo);
  if (content === undefined) throw As2DispositionError.error('authentication-failed', 'no signed content');
  const signer = verifySignerInfos(signedData.signerInfos, bufferEvidence(content), policy);
  return { content, ...signer };
}

/** A CMS SignedData from its DER; unreadable answers `authentication-failed`. */
export function readSignedData(signedDataDer: Buffer): pkijs.SignedData {
  try {
    const info = parseContentInfo(signedDataDer);
    if (info.contentType !== OID.signedData) throw new Error(`content type ${info.contentType}`);
    return new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    throw As2DispositionError.error('authentication-failed', `unreadable signature: ${String(error)}`);
  }
}

/**
 * What a signer check needs of the signed content, so a streamed content (hashed while it is read)
 * and a Buffer are judged by the same rules: its digest, and for a SignerInfo without signed
 * attributes whether a certificate's key verifies the signature over the content itself.
 */
export interface SignedContentEvidence {
  digest(algorithm: MicAlgorithm): Buffer;
  verifiesDirectly(certificate: X509Certificate, algorithm: MicAlgorithm, signature: Buffer): boolean;
}

function bufferEvidence(content: Buffer): SignedContentEvidence {
  return {
    digest: (algorithm) => createHash(nodeHash(algorithm)).update(content).digest(),
    verifiesDirectly: (certificate, algorithm, signature) =>
      verifiesWith(certificate, algorithm, content, signature),
  };
}

/** The first SignerInfo a pinned certificate verifies, else the last signer's failure (RFC 5652 §5.6). */
export function verifySignerInfos(
  signerInfos: readonly pkijs.SignerInfo[],
  evidence: SignedContentEvidence,
  policy: As2SecurityPolicy,
): Omit<VerifiedSignature, 'content'> {
  if (signerInfos.length === 0) {
    throw As2DispositionError.error('authentication-failed', 'the signature has no signer');
  }
  let lastError: As2DispositionError | undefined;
  for (const signerInfo of signerInfos) {
    try {
      return verifySigner(signerInfo, evidence, policy);
    } catch (error) {
      if (!(error instanceof As2DispositionError)) throw error;
      lastError = error;
    }
  }
  throw lastError!;
}

function verifySigner(
  signerInfo: pkijs.SignerInfo,
  evidence: SignedContentEvidence,
  policy: As2SecurityPolicy,
): Omit<VerifiedSignature, 'content'> {
  const digestAlgorithm = digestFromOid(signerInfo.digestAlgorithm.algorithmId);
  if (!digestAlgorithm || !allowedDigests(policy).includes(digestAlgorithm)) {
    throw As2DispositionError.error(
      'insufficient-message-security',
      `signature digest ${digestAlgorithm ?? signerInfo.digestAlgorithm.algorithmId} is not allowed`,
    );
  }
  const signatureOid = signerInfo.signatureAlgorithm.algorithmId;
  if (!isSupportedSignatureOid(signatureOid)) {
    throw As2DispositionError.error(
      'authentication-failed',
      `unsupported signature algorithm ${signatureOid}`,
    );
  }
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  let signedBytes: Buffer | undefined;
  if (signerInfo.signedAttrs) {
    const contentDigest = evidence.digest(digestAlgorithm);
    // With signed attributes, the signature covers their DER with a SET OF tag (RFC 5652 §5.4).
    const messageDigest = signerInfo.signedAttrs.attributes.find(
      (a) => a.type === OID.messageDigestAttribute,
    );
    const claimed = messageDigest?.values[0];
    if (!(claimed instanceof asn1js.OctetString)) {
      throw As2DispositionError.error('authentication-failed', 'the signed attributes lack a message digest');
    }
    const claimedDigest = octetStringBytes(claimed);
    if (claimedDigest.length !== contentDigest.length || !timingSafeEqual(claimedDigest, contentDigest)) {
      throw As2DispositionError.error(
        'integrity-check-failed',
        'the content does not match the signed digest',
      );
    }
    signedBytes = Buffer.from(new Uint8Array(signerInfo.signedAttrs.encodedValue));
    signedBytes[0] = 0x31;
  }
  const verifies = (certificate: X509Certificate): boolean =>
    signedBytes
      ? verifiesWith(certificate, digestAlgorithm, signedBytes, signature)
      : evidence.verifiesDirectly(certificate, digestAlgorithm, signature);
  const at = policy.now ?? new Date();
  let expired: X509Certificate | undefined;
  for (const certificate of policy.partnerCertificates) {
    if (!verifies(certificate)) continue;
    if (isWithinValidity(certificate, at)) return { digestAlgorithm, certificate };
    expired = certificate;
  }
  if (expired) {
    throw As2DispositionError.error(
      'authentication-failed',
      `signed with a pinned certificate outside its validity (${expired.validFrom} – ${expired.validTo})`,
    );
  }
  throw As2DispositionError.error(
    'authentication-failed',
    'no pinned certificate of the partner verifies the signature',
  );
}

function verifiesWith(
  certificate: X509Certificate,
  digest: MicAlgorithm,
  signedBytes: Buffer,
  signature: Buffer,
): boolean {
  try {
    return verifySignature(nodeHash(digest), signedBytes, certificate.publicKey, signature);
  } catch {
    // A key type that cannot verify this signature algorithm is simply not the signer.
    return false;
  }
}
