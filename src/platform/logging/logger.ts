import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { GatewayConfig } from '../../config/config.js';
import { currentCorrelationId } from './correlation.js';

/**
 * The root JSON logger. Every line carries the correlation id of the request or job it belongs to
 * (or the process id outside them), and credentials are redacted wherever they appear. Lines go to
 * stdout unless given another `destination` (a test reading what the gateway logged).
 */
export function createRootLogger(
  config: Pick<GatewayConfig, 'LOG_LEVEL'>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    base: { pid: process.pid, service: 'supplier-gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ correlationId: currentCorrelationId() }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.secret',
        '*.token',
        '*.privateKey',
      ],
      censor: '[redacted]',
    },
  };
  // Standard output unless told otherwise (tests read what was logged).
  return destination ? pino(options, destination) : pino(options);
}
