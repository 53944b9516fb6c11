import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface SafeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SafeRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly timeoutMs: number;
  /** Allow private, loopback and link-local targets (OUTBOUND_ALLOW_PRIVATE_TARGETS). */
  readonly allowPrivate: boolean;
  /** Answers larger than this are cut off as an error. */
  readonly maxResponseBytes?: number;
}

/** A target the SSRF rules refuse: never retried. */
export class RefusedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

/** Only addresses on the public internet ("unicast"); everything ipaddr.js classes otherwise is refused. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/**
 * An HTTP(S) request to a URL a partner profile names (a webhook, a supplier platform), safe against
 * SSRF: the address the connection actually uses is checked (in the socket's DNS lookup, so a name
 * that resolves to a public address when checked and a private one when connecting cannot slip
 * through), redirects are never followed (a 3xx is returned as it is), and the answer size is capped.
 */
export function safeRequest(options: SafeRequest): Promise<SafeResponse> {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new RefusedTargetError(`${url.protocol} URLs are not allowed`));
  if (url.username || url.password)
    return Promise.reject(new RefusedTargetError('credentials in the URL are not allowed'));
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && ipaddr.isValid(hostname) && !isPublicAddress(hostname))
    return Promise.reject(new RefusedTargetError(`${hostname} is not a public address`));

  const lookup: LookupFunction = (host, lookupOptions, callback) => {
    dnsLookup(host, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = options.allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (refused)
        return callback(
          new RefusedTargetError(`${host} resolves to ${refused.address}, not a public address`),
          '',
          0,
        );
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };

  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const max = options.maxResponseBytes ?? 1_048_576;
  return new Promise<SafeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const req = send(
      url,
      { method: options.method, headers: options.headers, lookup, timeout: options.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            fail(new Error(`the answer exceeds ${max} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', fail);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), capped; undefined when absent or unusable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now = Date.now(),
  capMs = 3_600_000,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, capMs) : undefined;
}
