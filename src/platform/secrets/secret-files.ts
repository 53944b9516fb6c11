import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GatewayConfig } from '../../config/config.js';
import { isScaledOut } from '../../config/config.js';

export class MissingSecretError extends Error {
  constructor(variable: string) {
    super(
      `configuration error: ${variable} is missing: several gateway processes must share one key, ` +
        'so it cannot be generated per process; mount the key file and set the variable',
    );
    this.name = 'MissingSecretError';
  }
}

/**
 * Keys and secrets: read from the files configuration names; on a single process, missing ones are
 * generated once into DATA_DIR/secrets and reused on every later start (never per process, which
 * would invalidate every token at each restart).
 */
export class SecretFiles {
  private constructor(private readonly dir: string) {}

  static for(config: Pick<GatewayConfig, 'DATA_DIR'>): SecretFiles {
    return new SecretFiles(join(resolve(config.DATA_DIR), 'secrets'));
  }

  /** Secrets kept in an operator's directory (`gateway secrets init --dir`), e.g. a volume all processes mount. */
  static in(dir: string): SecretFiles {
    return new SecretFiles(resolve(dir));
  }

  /** Writes every missing secret into the directory; returns the files it created. */
  generateMissing(): string[] {
    const created: string[] = [];
    for (const [file, generate] of Object.entries(GENERATORS)) {
      if (this.write(file, generate)) created.push(join(this.dir, file));
    }
    return created;
  }

  /** The private key that signs access tokens (ECDSA P-256, for ES256). */
  tokenSigningKey(config: GatewayConfig): KeyObject {
    const pem = config.TOKEN_SIGNING_KEY_FILE
      ? readFileSync(config.TOKEN_SIGNING_KEY_FILE, 'utf8')
      : this.ensure('token-signing-key.pem', 'TOKEN_SIGNING_KEY_FILE', config);
    try {
      return createPrivateKey(pem);
    } catch (error) {
      throw new Error(
        `configuration error: TOKEN_SIGNING_KEY_FILE does not hold a PEM private key (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  private ensure(file: keyof typeof GENERATORS, variable: string, config: GatewayConfig): string {
    const path = join(this.dir, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (isScaledOut(config)) throw new MissingSecretError(variable);
    this.write(file, GENERATORS[file]);
    return readFileSync(path, 'utf8');
  }

  /** Creates the file unless it exists; false when it did. */
  private write(file: string, generate: () => string): boolean {
    const path = join(this.dir, file);
    if (existsSync(path)) return false;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Write aside, then link into place: a second writer racing us keeps the first key, never a torn file.
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, generate(), { mode: 0o600 });
    try {
      linkSync(temp, path);
      chmodSync(path, 0o600);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return false;
    } finally {
      rmSync(temp, { force: true });
    }
  }
}

const GENERATORS = {
  'token-signing-key.pem': () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
} satisfies Record<string, () => string>;
