import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { GatewayConfig } from './config.js';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Injects the validated configuration. */
export const InjectConfig = (): ParameterDecorator => Inject(GATEWAY_CONFIG);

/** Provides the configuration validated at boot; nothing reads process.env after that. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
