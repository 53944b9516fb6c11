import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import { ErpConnections } from '../../erp/connections/erp-connections.js';
import type { ErpMasterData } from '../../erp/port/erp-master-data.js';
import { validateMasterData, type MasterData, type MasterDataView } from './master-data.model.js';
import { MasterDataRepository, type ImportResult } from './master-data.repository.js';

/**
 * Master data for plant events: imported from the ERPs through the port (at the first start, when
 * none was imported yet, and on request) or from files (`gateway masterdata import`).
 */
@Injectable()
export class MasterDataService implements OnApplicationBootstrap {
  readonly repository = new MasterDataRepository();

  constructor(
    @InjectConfig() private readonly config: GatewayConfig,
    private readonly dataSource: DataSource,
    private readonly connections: ErpConnections,
    @InjectPinoLogger(MasterDataService.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.GATEWAY_ROLE === 'api') return;
    if (await this.repository.latestVersion(this.dataSource)) return;
    try {
      const { version } = await this.importFromErp('gateway (first start)');
      this.logger.info({ version: version.id, counts: version.counts }, 'master data imported from the ERP');
    } catch (error) {
      // Events for unknown plants are rejected (and kept) until master data exists; not fatal.
      this.logger.warn({ err: error }, 'could not import master data from the ERP at start');
    }
  }

  /** Reads every ERP instance's master data through the port and imports the union as one version. */
  async importFromErp(importedBy: string): Promise<ImportResult> {
    const sets: ErpMasterData[] = [];
    for (const instance of this.connections.all())
      sets.push(
        await this.connections.port(instance.id).readMasterData(
          {},
          {
            correlationId: `masterdata:${instance.id}`,
            timeoutMs: instance.timeoutMs,
          },
        ),
      );
    const union: MasterData = validateMasterData({
      plants: dedupe(
        sets.flatMap((s) => s.plants),
        (p) => p.plant,
      ),
      materials: dedupe(
        sets.flatMap((s) => s.materials),
        (m) => m.material,
      ),
      unitConversions: dedupe(
        sets.flatMap((s) => s.unitConversions),
        (c) => `${c.material}|${c.fromUnit}|${c.toUnit}`,
      ),
      billsOfMaterial: sets.flatMap((s) => s.billsOfMaterial),
      sourceList: sets.flatMap((s) => s.sourceList),
    });
    const origin = this.connections
      .all()
      .map((i) => i.id)
      .join(',');
    return this.repository.replace(this.dataSource, union, 'erp', `erp:${origin}`, importedBy);
  }

  async importSet(data: unknown, origin: string, importedBy: string): Promise<ImportResult> {
    return this.repository.replace(this.dataSource, validateMasterData(data), 'file', origin, importedBy);
  }

  view(): Promise<MasterDataView | undefined> {
    return this.repository.view(this.dataSource);
  }
}

/** The same plant or material from two ERPs is one record (the first ERP's). */
function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
