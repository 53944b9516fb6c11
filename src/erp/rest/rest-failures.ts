import {
  erpConflict,
  erpOutcomeUnknown,
  erpRejected,
  erpUnavailable,
  type ErpCallError,
} from '../port/erp-errors.js';
import { problemMessages } from './rest-answers.js';

/**
 * How the generic REST adapter reads a failed call, following the contract's status table
 * (docs/erp-contract.yaml, "Failures"). The one question is whether the ERP may have done the
 * work: only answers that say "not processed" and failures before the request left (no
 * connection) are `unavailable`; everything after the request was sent without a trustworthy
 * answer is `outcome-unknown`.
 */

/** Socket and DNS errors that happen before a single byte of the request is sent. */
const BEFORE_SENDING = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

/** TLS handshake failures (certificate checks) also happen before the request is sent. */
const TLS_HANDSHAKE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

export interface TransportContext {
  /** What was being done, for messages: "post inbound-delivery to s4-main". */
  readonly what: string;
  readonly timeoutMs: number;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** True once the status line arrived (the failure happened while reading the body). */
  readonly answered: boolean;
}

/** A failure of `fetch` itself (no HTTP answer, or an answer cut short). */
export function classifyTransportError(error: unknown, context: TransportContext): ErpCallError {
  if (context.timedOut) {
    return erpOutcomeUnknown(`no answer to ${context.what} within ${context.timeoutMs} ms`, error);
  }
  if (context.cancelled) return erpOutcomeUnknown(`${context.what} was cancelled while in flight`, error);
  const code = errorCode(error);
  if (!context.answered && code !== undefined && (BEFORE_SENDING.has(code) || TLS_HANDSHAKE.test(code))) {
    return erpUnavailable(`cannot reach the ERP for ${context.what} (${code}); nothing was sent`, error);
  }
  if (!context.answered && causeMessage(error) === 'bad port') {
    // The Fetch standard's port block list: refused locally, before any connection.
    return erpUnavailable(
      `fetch refuses the port of rest.baseUrl for ${context.what} (bad port); nothing was sent`,
    );
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return erpOutcomeUnknown(
    `${context.what} failed after the request was sent (${reason}); the ERP may have processed it`,
    error,
  );
}

function causeMessage(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? cause.message : undefined;
}

/**
 * The code of a fetch failure: undici wraps the socket error as `cause`, and a connection tried
 * on several addresses (IPv6 then IPv4) fails with an AggregateError whose parts carry the codes.
 */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError && current.errors.length > 0) {
      const codes = new Set(current.errors.map(errorCode));
      return codes.size === 1 ? [...codes][0] : undefined;
    }
    current = current.cause;
  }
  return undefined;
}

export interface FailedAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

/** A non-2xx answer, per the contract's status table. */
export function classifyStatus(answer: FailedAnswer, what: string): ErpCallError {
  const { status } = answer;
  const messages = problemMessages(answer.text);
  const said = messages.detail ? `: ${messages.detail}` : '';
  const retry = answer.retryAfter ? ` (Retry-After: ${answer.retryAfter})` : '';
  if (status === 401 || status === 403) {
    return erpUnavailable(
      `the ERP refused the gateway's credentials for ${what} (HTTP ${status})${said}; ` +
        `check the instance's rest.auth and its secret file — calls are retried until it is fixed`,
    );
  }
  // Refused before processing: overloaded, rate limited, not ready, request not read in time.
  if (status === 503 || status === 429 || status === 408 || status === 425) {
    return erpUnavailable(`the ERP did not process ${what} (HTTP ${status})${retry}${said}`);
  }
  if (status >= 300 && status < 400) {
    return erpUnavailable(
      `the ERP redirected ${what} (HTTP ${status}); set rest.baseUrl to the final address — nothing was processed`,
    );
  }
  if (status === 409) return erpConflict(`the ERP refused ${what} as a conflict${said}`, messages.errors);
  if (status >= 400 && status < 500) {
    return erpRejected(`the ERP rejected ${what} (HTTP ${status})${said}`, messages.errors);
  }
  // 500, 502, 504 and anything else: the ERP or a proxy failed somewhere after receiving it.
  return erpOutcomeUnknown(`the ERP answered ${what} with HTTP ${status}${said}; it may have processed it`);
}
