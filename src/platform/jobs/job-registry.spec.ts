import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { defineJob, type JobHandler } from './job-definition.js';
import { HandlesJob } from './job-handler.decorator.js';
import { JobDefinitionSet, JobRegistry, JobRegistryError } from './job-registry.js';

const Ping = defineJob<{ n: number }>('test.ping');
const Pong = defineJob<{ n: number }>('test.pong');

@Injectable()
@HandlesJob(Ping)
class PingHandler implements JobHandler<{ n: number }> {
  async handle(): Promise<void> {}
}

@Injectable()
@HandlesJob(Ping)
class OtherPingHandler implements JobHandler<{ n: number }> {
  async handle(): Promise<void> {}
}

async function boot(declared: (typeof Ping)[], handlers: (new () => object)[]): Promise<JobRegistry> {
  @Module({
    imports: [DiscoveryModule],
    providers: [JobRegistry, { provide: 'jobs', useValue: new JobDefinitionSet(declared) }, ...handlers],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  await moduleRef.init();
  return moduleRef.get(JobRegistry);
}

describe('JobRegistry', () => {
  it('maps each declared job to its one handler', async () => {
    const registry = await boot([Ping], [PingHandler]);
    expect(registry.names()).toEqual(['test.ping']);
    expect(registry.get('test.ping')?.handler).toBeInstanceOf(PingHandler);
  });

  it('refuses to start when a declared job has no handler', async () => {
    await expect(boot([Ping, Pong], [PingHandler])).rejects.toThrow(JobRegistryError);
    await expect(boot([Ping, Pong], [PingHandler])).rejects.toThrow('job "test.pong" has no handler');
  });

  it('refuses to start when a job has two handlers', async () => {
    await expect(boot([Ping], [PingHandler, OtherPingHandler])).rejects.toThrow(
      'job "test.ping" has 2 handlers (PingHandler, OtherPingHandler)',
    );
  });

  it('refuses a handler for a job nobody declared', async () => {
    await expect(boot([], [PingHandler])).rejects.toThrow(
      'PingHandler handles "test.ping", which no module declares',
    );
  });
});
