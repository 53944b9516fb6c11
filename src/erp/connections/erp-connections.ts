import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ErpPort } from '../port/erp-port.js';
import { RestErp } from '../rest/rest-erp.js';
import { SimulatedErp } from '../simulator/simulated-erp.js';
import type { ErpConfig, ErpInstanceConfig } from './erp-instances.schema.js';

export const ERP_CONFIG = Symbol('ERP_CONFIG');

export class UnknownErpInstanceError extends Error {
  constructor(id: string) {
    super(`no ERP instance "${id}" in ERP_CONFIG_FILE`);
    this.name = 'UnknownErpInstanceError';
  }
}

/** The configured ERP instances and one port per instance; routes a plant to its ERP. */
@Injectable()
export class ErpConnections implements OnApplicationShutdown {
  private readonly instances = new Map<string, ErpInstanceConfig>();
  private readonly ports = new Map<string, ErpPort>();
  private readonly byPlant = new Map<string, ErpInstanceConfig>();
  private readonly fallback: ErpInstanceConfig;
  private simulator: SimulatedErp | undefined;

  constructor(@Inject(ERP_CONFIG) config: ErpConfig, dataSource: DataSource) {
    for (const instance of config.instances) {
      this.instances.set(instance.id, instance);
      for (const plant of instance.plants) this.byPlant.set(plant, instance);
      if (instance.adapter === 'simulator') {
        this.simulator = new SimulatedErp(dataSource);
        this.ports.set(instance.id, this.simulator);
      } else {
        this.ports.set(instance.id, new RestErp(instance));
      }
    }
    this.fallback = config.instances.find((i) => i.default)!;
  }

  /** The ERP serving a plant, or the default one. */
  forPlant(plant: string | null | undefined): ErpInstanceConfig {
    return (plant ? this.byPlant.get(plant) : undefined) ?? this.fallback;
  }

  instance(id: string): ErpInstanceConfig {
    const instance = this.instances.get(id);
    if (!instance) throw new UnknownErpInstanceError(id);
    return instance;
  }

  port(id: string): ErpPort {
    const port = this.ports.get(id);
    if (!port) throw new UnknownErpInstanceError(id);
    return port;
  }

  all(): readonly ErpInstanceConfig[] {
    return [...this.instances.values()];
  }

  /** The embedded simulator, when one is configured. */
  embeddedSimulator(): SimulatedErp | undefined {
    return this.simulator;
  }

  async onApplicationShutdown(): Promise<void> {
    // Late commits still running inside the simulator finish before the database closes.
    await this.simulator?.drain();
  }
}
