import { parseMicAlgorithm, type MicAlgorithm } from './algorithms.js';

export type Importance = 'required' | 'optional';

export interface MdnOption {
  readonly importance: Importance;
  readonly values: readonly string[];
}

/** `Disposition-Notification-Options` (RFC 4130 §7.3): what the sender asks of a signed receipt. */
export interface DispositionNotificationOptions {
  readonly signedReceiptProtocol?: MdnOption;
  readonly signedReceiptMicalg?: MdnOption;
}

export class MdnOptionsError extends Error {
  override readonly name = 'MdnOptionsError';
}

/**
 * Parses `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1`.
 * Unknown parameters are ignored (RFC 3798 §2.2); a malformed known one throws.
 */
export function parseDispositionNotificationOptions(
  value: string | undefined,
): DispositionNotificationOptions {
  if (value === undefined || value.trim() === '') return {};
  const options: { signedReceiptProtocol?: MdnOption; signedReceiptMicalg?: MdnOption } = {};
  for (const parameter of value.split(';')) {
    if (parameter.trim() === '') continue;
    const eq = parameter.indexOf('=');
    if (eq < 0) throw new MdnOptionsError(`malformed option "${parameter.trim()}"`);
    const name = parameter.slice(0, eq).trim().toLowerCase();
    const [importance, ...values] = parameter
      .slice(eq + 1)
      .split(',')
      .map((item) => item.trim().replace(/^"(.*)"$/, '$1'));
    const option = { importance: parseImportance(importance, name), values: values.filter((v) => v !== '') };
    if (option.values.length === 0) throw new MdnOptionsError(`option ${name} lists no values`);
    if (name === 'signed-receipt-protocol') options.signedReceiptProtocol = option;
    else if (name === 'signed-receipt-micalg') options.signedReceiptMicalg = option;
  }
  return options;
}

function parseImportance(value: string | undefined, name: string): Importance {
  const lower = value?.toLowerCase();
  if (lower === 'required' || lower === 'optional') return lower;
  throw new MdnOptionsError(`option ${name} has importance "${value}", not required or optional`);
}

export function wantsSignedReceipt(options: DispositionNotificationOptions): boolean {
  return options.signedReceiptProtocol?.values.some((v) => v.toLowerCase() === 'pkcs7-signature') ?? false;
}

/**
 * The MIC algorithm to answer with: the sender's first requested algorithm we allow; none allowed is
 * `unsupported MIC-algorithms` when the request was required, else the fallback (RFC 4130 §7.3).
 */
export function chooseMicAlgorithm(
  options: DispositionNotificationOptions,
  allowed: readonly MicAlgorithm[],
  fallback: MicAlgorithm,
): MicAlgorithm | 'unsupported' {
  const requested = options.signedReceiptMicalg;
  if (!requested) return fallback;
  for (const name of requested.values) {
    const algorithm = parseMicAlgorithm(name);
    if (algorithm && allowed.includes(algorithm)) return algorithm;
  }
  return requested.importance === 'required' ? 'unsupported' : fallback;
}
