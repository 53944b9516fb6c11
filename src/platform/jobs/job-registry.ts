import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { JobDefinition, JobHandler } from './job-definition.js';
import { JOB_HANDLER_METADATA } from './job-handler.decorator.js';

/** The jobs one module declares; provided by `JobsModule.forFeature`. */
export class JobDefinitionSet {
  constructor(readonly definitions: readonly JobDefinition[]) {}
}

export class JobRegistryError extends Error {
  constructor(problems: string[]) {
    super(`job registry: ${problems.join('; ')}`);
    this.name = 'JobRegistryError';
  }
}

interface RegisteredJob {
  readonly definition: JobDefinition;
  readonly handler: JobHandler;
}

/**
 * Every declared job and its one handler. The application refuses to start when a declared job has
 * no handler or two, or a handler serves a job nobody declared: a job enqueued without a handler
 * would otherwise sit in the outbox until it died.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly jobs = new Map<string, RegisteredJob>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const declared = new Map<string, JobDefinition>();
    const handlers = new Map<string, { handler: JobHandler; owner: string }[]>();
    const problems: string[] = [];

    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof JobDefinitionSet) {
        for (const definition of instance.definitions) {
          const existing = declared.get(definition.name);
          if (existing && existing !== definition)
            problems.push(`job "${definition.name}" is declared twice`);
          declared.set(definition.name, definition);
        }
      }
      const target = wrapper.metatype;
      if (!target || typeof target !== 'function' || !instance) continue;
      const definition = this.reflector.get<JobDefinition | undefined>(JOB_HANDLER_METADATA, target);
      if (!definition) continue;
      if (typeof (instance as Partial<JobHandler>).handle !== 'function') {
        problems.push(`${target.name} handles "${definition.name}" but has no handle() method`);
        continue;
      }
      const list = handlers.get(definition.name) ?? [];
      list.push({ handler: instance as JobHandler, owner: target.name });
      handlers.set(definition.name, list);
    }

    for (const [name, definition] of declared) {
      const list = handlers.get(name) ?? [];
      if (list.length === 0) problems.push(`job "${name}" has no handler`);
      else if (list.length > 1)
        problems.push(`job "${name}" has ${list.length} handlers (${list.map((h) => h.owner).join(', ')})`);
      else this.jobs.set(name, { definition, handler: list[0]!.handler });
    }
    for (const [name, list] of handlers) {
      if (!declared.has(name))
        problems.push(`${list.map((h) => h.owner).join(', ')} handles "${name}", which no module declares`);
    }
    if (problems.length > 0) throw new JobRegistryError(problems);
  }

  get(name: string): RegisteredJob | undefined {
    return this.jobs.get(name);
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }
}
