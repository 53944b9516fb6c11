import type { Readable } from 'node:stream';

export interface StoredBlob {
  /** Opaque key to read the blob back; content-addressed, so the same bytes get the same key. */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * Where large payloads live. Every process reaches blobs through this interface only, so an
 * object-store adapter can replace the local directory without touching its users.
 */
export interface BlobStore {
  /** Stores the bytes durably (written and synced) before resolving. */
  put(data: Buffer | Readable): Promise<StoredBlob>;
  read(key: string): Promise<Buffer>;
  open(key: string): Readable;
  has(key: string): Promise<boolean>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`blob ${key} does not exist`);
    this.name = 'BlobNotFoundError';
  }
}
