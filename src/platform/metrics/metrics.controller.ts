import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../../gateway/access-rules.js';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsRegistry } from './metrics-registry.js';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics in the text exposition format',
    description:
      'Counters and histograms of HTTP requests, jobs, interchanges and ERP postings, for Prometheus to scrape.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Metrics of this process',
    content: {
      'text/plain': {
        example:
          '# HELP gateway_job_attempts_total Job attempts by job name and outcome (done, retry, dead).\n' +
          '# TYPE gateway_job_attempts_total counter\ngateway_job_attempts_total{job="diagnostics.probe",outcome="done"} 12\n',
      },
    },
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
