import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseEndpoint } from './database-endpoint.js';
import { dataSourceOptions } from './data-source.js';

export const DATABASE_ENDPOINT = Symbol('DATABASE_ENDPOINT');

/**
 * TypeORM on the endpoint the process opened before Nest started. The endpoint (and the embedded
 * database behind it) outlives the application: main closes Nest first, then the database.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(endpoint: DatabaseEndpoint): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(endpoint), autoLoadEntities: true, retryAttempts: 3 }),
      ],
      providers: [{ provide: DATABASE_ENDPOINT, useValue: endpoint }],
      exports: [DATABASE_ENDPOINT],
    };
  }
}
