/**
 * The framework-free AS2 protocol core (RFC 4130, RFC 5402): MIME, CMS, MIC and MDN over Buffers, and
 * the streaming receive over a message spooled to a file.
 */
export * from './algorithms.js';
export {
  As2DispositionError,
  formatDisposition,
  type Disposition,
  type DispositionErrorModifier,
} from './disposition.js';
export { decompressCompressedData, inflateCapped, DecompressionLimitError } from './decompress.js';
export { decryptEnvelope, type Decrypted } from './decrypt.js';
export { buildMdn, type BuiltMdn, type MdnInput } from './mdn.js';
export * from './mdn-options.js';
export { computeMic, formatMic, formatMics, parseMics, type Mic } from './mic.js';
export * from './mime.js';
export * from './policy.js';
export { loadPkcs12, matchingPair, Pkcs12Error } from './pkcs12.js';
export * from './receive.js';
export { receiveAs2Stream, type As2FileRequest, type As2StreamReceiveResult } from './receive-stream.js';
export { StreamWorkspace, type FileRange } from './stream-source.js';
export { signDetached } from './sign.js';
export { verifySignedData, type VerifiedSignature } from './verify.js';
export { peekMdn, verifyMdn, type MdnExpectation, type MdnFields, type MdnVerdict } from './mdn-verify.js';
export {
  buildOutboundAs2,
  encryptionCertificate,
  type OutboundAs2Message,
  type OutboundAs2Options,
  type SendEncryption,
} from './send.js';
