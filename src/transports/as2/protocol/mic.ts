import { createHash } from 'node:crypto';

import { nodeHash, parseMicAlgorithm, type MicAlgorithm } from './algorithms.js';

/** A Received-content-MIC (RFC 4130 §7.3.1): the base64 digest and its algorithm. */
export interface Mic {
  readonly algorithm: MicAlgorithm;
  readonly digest: string;
}

/**
 * What the MIC covers depends on the message (RFC 4130 §7.3.1, RFC 5402 §4): for a signed message the
 * signed MIME part with its headers, for an encrypted or compressed unsigned one the decrypted or
 * decompressed MIME part with its headers, for a plain one the content only. The caller picks the bytes.
 */
export function computeMic(bytes: Buffer, algorithm: MicAlgorithm): Mic {
  return { algorithm, digest: createHash(nodeHash(algorithm)).update(bytes).digest('base64') };
}

/** `base64-digest, sha-256`, the form of the Received-content-MIC field. */
export function formatMic(mic: Mic): string {
  return `${mic.digest}, ${mic.algorithm}`;
}

/**
 * Several MICs of one message, `base64, sha-384; base64, sha-256`: the one asked for first, then ours
 * in other algorithms (kept while an asynchronous MDN is awaited).
 */
export function formatMics(mics: readonly Mic[]): string {
  return mics.map(formatMic).join('; ');
}

/** The MICs `formatMics` wrote (a single `base64, sha-256` too). */
export function parseMics(text: string): Mic[] {
  return text.split(';').map((one) => {
    const [digest = '', name = ''] = one.split(',').map((s) => s.trim());
    const algorithm = parseMicAlgorithm(name);
    if (!algorithm || !digest) throw new Error(`MIC "${one.trim()}" is not "base64, algorithm"`);
    return { digest, algorithm };
  });
}
