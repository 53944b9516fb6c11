import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A loopback HTTP server whose answers a test scripts; it records every request it gets. */
export class ScriptedHttpPeer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;

  constructor(
    private readonly answer: (request: RecordedRequest, response: ServerResponse) => void | Promise<void>,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        this.requests.push(recorded);
        Promise.resolve(this.answer(recorded, res)).catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Polls until `probe` is true, or fails saying what it waited for. */
export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
/**
 * The profile (YAML) of a test partner that receives JSON purchase orders at a webhook and answers
 * over the API; `delivery` adds to its delivery settings (`maxAttempts`) and webhook (`timeoutSeconds`).
 */
export function webhookPartnerYaml(
  partner: { readonly id: string; readonly name: string },
  webhook: { readonly url: string; readonly secretFile: string; readonly timeoutSeconds?: number },
  delivery: { readonly maxAttempts?: number } = {},
): string {
  return `id: ${partner.id}
name: ${partner.name}
status: test
documents:
  inbound: [{ standard: json, version: v1, type: purchase-order-acknowledgment }]
  outbound: [{ standard: json, version: v1, type: purchase-order }]
channels: { api: { enabled: true } }
acknowledgments: { functional: none }
delivery:
  channel: webhook
${delivery.maxAttempts === undefined ? '' : `  maxAttempts: ${delivery.maxAttempts}\n`}  webhook: { url: '${webhook.url}', secretFile: '${webhook.secretFile}'${webhook.timeoutSeconds === undefined ? '' : `, timeoutSeconds: ${webhook.timeoutSeconds}`} }
`;
}

/**
 * A partners folder with one partner, hold-co, that takes JSON POs by webhook at `webhookUrl` with one
 * try only (a try that fails fails the document), and has the API channel (tokens, webhook subscriptions).
 */
export function holdCoPartnersDir(webhookUrl: string, secretFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-hold-co-partners-'));
  writeFileSync(
    join(dir, 'hold-co.yaml'),
    webhookPartnerYaml(
      { id: 'hold-co', name: 'Hold Co' },
      { url: webhookUrl, secretFile, timeoutSeconds: 60 },
      { maxAttempts: 1 },
    ),
  );
  return dir;
}
