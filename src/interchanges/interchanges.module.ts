import { Global, Module } from '@nestjs/common';
import { join, resolve } from 'node:path';
import type { GatewayConfig } from '../config/config.js';
import { GATEWAY_CONFIG } from '../config/config.module.js';
import { BLOB_STORE } from '../platform/blobs/blob-store.js';
import { LocalBlobStore } from '../platform/blobs/local-blob-store.js';
import { InterchangeArchive } from './interchange-archive.service.js';

@Global()
@Module({
  providers: [
    {
      provide: BLOB_STORE,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new LocalBlobStore(resolve(config.BLOB_DIR ?? join(config.DATA_DIR, 'blobs'))),
    },
    InterchangeArchive,
  ],
  exports: [InterchangeArchive, BLOB_STORE],
})
export class InterchangesModule {}
