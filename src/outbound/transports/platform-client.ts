import { readFileSync } from 'node:fs';
import type { DeliveryProfile } from '../../partners/delivery.schema.js';
import { retryAfterMs, safeRequest, type SafeResponse } from '../safe-http.js';
import { DeliveryThrottledError, PermanentDeliveryError } from '../outbound.types.js';

type PlatformSettings = NonNullable<DeliveryProfile['platform']>;

/**
 * Calls a supplier collaboration platform's REST API with that platform's credentials: an OAuth2
 * client-credentials token (fetched, cached until shortly before it expires, fetched again after a
 * 401) or an API key header. A 429 or 503 with Retry-After becomes `DeliveryThrottledError`, so the
 * caller waits as long as the platform asked without using up a try.
 */
export class PlatformClient {
  private token: { value: string; until: number } | undefined;

  constructor(
    readonly partnerId: string,
    private readonly settings: PlatformSettings,
    private readonly allowPrivate: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async call(
    method: 'GET' | 'POST',
    url: string,
    body?: { contentType: string; bytes: Buffer; key: string },
  ) {
    let response = await this.send(method, url, body);
    if (response.status === 401 && this.settings.auth.kind === 'oauth2') {
      this.token = undefined; // expired or revoked early: one fresh token, once
      response = await this.send(method, url, body);
    }
    const what = `${this.name()} ${method} ${new URL(url).pathname} answered ${response.status}`;
    if (response.status === 429 || response.status === 503) {
      throw new DeliveryThrottledError(
        what,
        retryAfterMs(response.headers['retry-after'], this.now()) ?? 60_000,
      );
    }
    return { response, what };
  }

  name(): string {
    return this.settings.name ?? new URL(this.settings.documentsUrl).host;
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    body?: { contentType: string; bytes: Buffer; key: string },
  ) {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'supplier-gateway' };
    Object.assign(headers, await this.authorization());
    if (body) {
      headers['content-type'] = body.contentType;
      headers['idempotency-key'] = body.key;
    }
    return safeRequest({
      method,
      url,
      headers,
      body: body?.bytes,
      timeoutMs: this.settings.timeoutSeconds * 1000,
      allowPrivate: this.allowPrivate,
    });
  }

  private async authorization(): Promise<Record<string, string>> {
    const auth = this.settings.auth;
    if (auth.kind === 'api-key') return { [auth.header.toLowerCase()]: secret(auth.keyFile) };
    if (!this.token || this.token.until <= this.now()) this.token = await this.fetchToken(auth);
    return { authorization: `Bearer ${this.token.value}` };
  }

  private async fetchToken(auth: Extract<PlatformSettings['auth'], { kind: 'oauth2' }>) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(secret(auth.clientSecretFile))}`,
    ).toString('base64');
    const response: SafeResponse = await safeRequest({
      method: 'POST',
      url: auth.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: form.toString(),
      timeoutMs: this.settings.timeoutSeconds * 1000,
      allowPrivate: this.allowPrivate,
    });
    if (response.status === 429 || response.status === 503)
      throw new DeliveryThrottledError(
        `${this.name()} token endpoint answered ${response.status}`,
        retryAfterMs(response.headers['retry-after'], this.now()) ?? 60_000,
      );
    if (response.status === 400 || response.status === 401)
      throw new PermanentDeliveryError(`${this.name()} refused our client credentials (${response.status})`);
    if (response.status !== 200) throw new Error(`${this.name()} token endpoint answered ${response.status}`);
    const answer = JSON.parse(response.body.toString('utf8')) as {
      access_token?: string;
      expires_in?: number;
    };
    if (!answer.access_token) throw new Error(`${this.name()} token endpoint answered without access_token`);
    const lifetime = (answer.expires_in ?? 300) * 1000;
    return { value: answer.access_token, until: this.now() + Math.max(0, lifetime - 30_000) };
  }
}

function secret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new PermanentDeliveryError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
