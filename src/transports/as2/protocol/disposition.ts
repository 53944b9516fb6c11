/** AS2 MDN dispositions (RFC 4130 §7.4.3, RFC 3798 §3.2.6). */

export type DispositionErrorModifier =
  | 'authentication-failed'
  | 'decryption-failed'
  | 'integrity-check-failed'
  | 'insufficient-message-security'
  | 'decompression-failed'
  | 'unexpected-processing-error';

export type Disposition =
  | { readonly kind: 'processed' }
  | { readonly kind: 'warning'; readonly text: string }
  | { readonly kind: 'error'; readonly modifier: DispositionErrorModifier }
  | { readonly kind: 'failed'; readonly failure: 'unsupported MIC-algorithms' };

const ACTION_MODE = 'automatic-action/MDN-sent-automatically';

/** The value of the `Disposition` field, e.g. `automatic-action/MDN-sent-automatically; processed`. */
export function formatDisposition(disposition: Disposition): string {
  switch (disposition.kind) {
    case 'processed':
      return `${ACTION_MODE}; processed`;
    case 'warning':
      return `${ACTION_MODE}; processed/warning: ${disposition.text}`;
    case 'error':
      return `${ACTION_MODE}; processed/error: ${disposition.modifier}`;
    case 'failed':
      return `${ACTION_MODE}; failed/Failure: ${disposition.failure}`;
  }
}

/**
 * Thrown inside the core by the layer that found the problem; the entry function turns it into a
 * result. `detail` is for our logs and the archive, never for the sender.
 */
export class As2DispositionError extends Error {
  override readonly name = 'As2DispositionError';

  constructor(
    readonly disposition: Disposition,
    readonly detail: string,
  ) {
    super(detail);
  }

  static error(modifier: DispositionErrorModifier, detail: string): As2DispositionError {
    return new As2DispositionError({ kind: 'error', modifier }, detail);
  }
}
