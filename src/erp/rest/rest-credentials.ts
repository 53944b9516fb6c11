import { readFile } from 'node:fs/promises';
import type { ErpInstanceConfig } from '../connections/erp-instances.schema.js';
import { erpUnavailable } from '../port/erp-errors.js';

export type RestAuthConfig = NonNullable<ErpInstanceConfig['rest']>['auth'];
export type ReadSecretFile = (path: string) => Promise<string>;

const readSecretFile: ReadSecretFile = (path) => readFile(path, 'utf8');

/**
 * The Authorization header for an ERP instance. Secrets live in files (mounted secrets), read on
 * first use and again when the ERP answers 401, so a rotated token is picked up without a restart.
 * A secret that cannot be read makes the call `unavailable`: nothing was sent, and it is retried
 * once the operator fixes the file.
 */
export class RestCredentials {
  private cached: string | null | undefined;

  constructor(
    private readonly auth: RestAuthConfig,
    private readonly instanceId: string,
    private readonly read: ReadSecretFile = readSecretFile,
  ) {}

  /** The header value, or null for `auth: none`. */
  async header(): Promise<string | null> {
    if (this.cached === undefined) this.cached = await this.load();
    return this.cached;
  }

  /** Reads the secret again; true when it changed, so one more try with it is worth making. */
  async refresh(): Promise<boolean> {
    if (this.auth.type === 'none') return false;
    const before = this.cached;
    this.cached = await this.load();
    return this.cached !== before;
  }

  private async load(): Promise<string | null> {
    switch (this.auth.type) {
      case 'none':
        return null;
      case 'bearer':
        return `Bearer ${await this.secret(this.auth.tokenFile, 'bearer token')}`;
      case 'basic': {
        const password = await this.secret(this.auth.passwordFile, 'password');
        // RFC 7617 §2: user-id and password joined by a colon, UTF-8, base64.
        return `Basic ${Buffer.from(`${this.auth.username}:${password}`, 'utf8').toString('base64')}`;
      }
    }
  }

  private async secret(file: string, what: string): Promise<string> {
    let content: string;
    try {
      content = await this.read(file);
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw erpUnavailable(`cannot read the ${what} file ${file} of ERP ${this.instanceId} (${code})`, error);
    }
    // Secret files usually end with a newline; a token or password never does.
    const value = content.replace(/\r?\n$/, '');
    if (value === '' || /[\r\n]/.test(value)) {
      throw erpUnavailable(
        `the ${what} file ${file} of ERP ${this.instanceId} must hold exactly one non-empty line`,
      );
    }
    return value;
  }
}
