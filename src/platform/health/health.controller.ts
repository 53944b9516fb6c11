import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../../gateway/access-rules.js';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { DATABASE_ENDPOINT } from '../database/database.module.js';
import type { DatabaseEndpoint } from '../database/database-endpoint.js';
import { JOB_DRIVER, type JobDriver } from '../jobs/job-driver.js';

const HEALTHY_EXAMPLE = {
  status: 'ok',
  info: {
    database: { status: 'up', embedded: true },
    jobs: { status: 'up', driver: 'in-process', role: 'all' },
  },
  error: {},
  details: {
    database: { status: 'up', embedded: true },
    jobs: { status: 'up', driver: 'in-process', role: 'all' },
  },
};

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    @Inject(DATABASE_ENDPOINT) private readonly endpoint: DatabaseEndpoint,
    @Inject(JOB_DRIVER) private readonly driver: JobDriver,
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: the state of every dependency',
    description: '200 when the process can do its work; 503 with the failing dependency otherwise.',
  })
  @ApiResponse({
    status: 200,
    description: 'Ready',
    content: { 'application/json': { example: HEALTHY_EXAMPLE } },
  })
  @ApiResponse({
    status: 503,
    description: 'A dependency is down: problem+json, with the health report in `errors`',
    content: {
      'application/problem+json': {
        example: {
          type: 'urn:supplier-gateway:problem:unavailable',
          title: 'Service unavailable',
          status: 503,
          errors: {
            status: 'error',
            info: { database: { status: 'up', embedded: false } },
            error: {
              jobs: {
                status: 'down',
                driver: 'bullmq',
                role: 'worker',
                problem: 'redis: connect ECONNREFUSED',
              },
            },
            details: {
              database: { status: 'up', embedded: false },
              jobs: {
                status: 'down',
                driver: 'bullmq',
                role: 'worker',
                problem: 'redis: connect ECONNREFUSED',
              },
            },
          },
          instance: '/health',
          correlationId: '6f1c2a7e-2b1d-4c1e-9a43-0d6f5a3b9e10',
        },
      },
    },
  })
  check() {
    return this.health.check([
      async () => {
        const result = await this.db.pingCheck('database', { timeout: 3000 });
        return { database: { ...result.database!, embedded: this.endpoint.embedded } };
      },
      async () => {
        const session = this.indicator.check('jobs');
        const details = { driver: this.driver.kind, role: this.config.GATEWAY_ROLE };
        if (this.config.GATEWAY_ROLE === 'api') return session.up(details);
        const problem = await this.driver.problem();
        return problem ? session.down({ ...details, problem }) : session.up(details);
      },
    ]);
  }

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: '200 while the process runs; does not check dependencies (use /health for readiness).',
  })
  @ApiResponse({ status: 200, content: { 'application/json': { example: { status: 'ok' } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
