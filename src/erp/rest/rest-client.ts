import { ErpCallError, erpOutcomeUnknown, erpUnavailable } from '../port/erp-errors.js';
import type { ErpCallOptions } from '../port/erp-port.js';
import type { RestCredentials } from './rest-credentials.js';
import { classifyTransportError } from './rest-failures.js';

export interface RestRequest {
  readonly method: 'GET' | 'POST';
  /** Relative to the base URL, segments already encoded: `postings/inbound-delivery`. */
  readonly path: string;
  readonly query?: URLSearchParams;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** For messages: "post inbound-delivery ASN-1 to ERP s4-main". */
  readonly what: string;
}

export interface RestAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

export type FetchFunction = typeof fetch;

/** Bounds what an answer may make the gateway hold in memory. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
const MAX_PROBLEM_BYTES = 64 * 1024;

/**
 * One HTTP exchange with an ERP under the generic REST contract: headers, credentials, one
 * deadline for the whole call (`timeoutMs`, combined with the caller's signal), and failures
 * turned into `ErpCallError`s that say whether the request may have been processed. A 401 makes
 * it read the secret file again and, if the secret changed, try once more (a 401 means nothing
 * was processed).
 */
export class RestClient {
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly credentials: RestCredentials,
    private readonly fetchFn: FetchFunction = globalThis.fetch,
  ) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  async send(request: RestRequest, call: ErpCallOptions): Promise<RestAnswer> {
    if (call.signal?.aborted) throw erpUnavailable(`${request.what} was cancelled before it was sent`);
    const deadline = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    const answer = await this.exchange(request, call, signal, deadline);
    if (answer.status === 401 && (await this.credentials.refresh())) {
      return this.exchange(request, call, signal, deadline);
    }
    return answer;
  }

  private async exchange(
    request: RestRequest,
    call: ErpCallOptions,
    signal: AbortSignal,
    deadline: AbortSignal,
  ): Promise<RestAnswer> {
    const url = new URL(request.path, this.base);
    if (request.query) url.search = request.query.toString();
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      'User-Agent': 'supplier-gateway',
      'X-Correlation-Id': headerSafe(call.correlationId),
    };
    const authorization = await this.credentials.header();
    if (authorization) headers.Authorization = authorization;
    if (request.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.idempotencyKey;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['Content-Type'] = 'application/json';
    }

    let answered = false;
    try {
      // A redirect is not followed: a POST must not turn into a GET somewhere else.
      const response = await this.fetchFn(url, {
        method: request.method,
        headers,
        body,
        signal,
        redirect: 'manual',
      });
      answered = true;
      const ok = response.status >= 200 && response.status < 300;
      const read = await readCapped(response, ok ? MAX_ANSWER_BYTES : MAX_PROBLEM_BYTES);
      if (ok && read.truncated) {
        throw erpOutcomeUnknown(`the ERP's answer to ${request.what} exceeds ${MAX_ANSWER_BYTES} bytes`);
      }
      return { status: response.status, text: read.text, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      if (error instanceof ErpCallError) throw error;
      throw classifyTransportError(error, {
        what: request.what,
        timeoutMs: call.timeoutMs,
        timedOut: deadline.aborted,
        cancelled: call.signal?.aborted ?? false,
        answered,
      });
    }
  }
}

/** Visible ASCII passes as is; anything else is percent-encoded so that it cannot break the request. */
function headerSafe(value: string): string {
  return /^[\x21-\x7e]{1,256}$/.test(value) ? value : encodeURIComponent(value).slice(0, 256);
}

async function readCapped(response: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
