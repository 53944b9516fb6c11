import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import { describePrincipal, type Principal } from '../../gateway/principal.js';
import { MasterDataService } from './master-data.service.js';

const VERSION_EXAMPLE = {
  id: '3',
  source: 'erp',
  origin: 'erp:main',
  contentSha256: '9f2c6e0b7d41a8c35e2f90d1b6a47c83e5d0f219a6b4c7e8d3f1a02b5c9e7d46',
  counts: { plants: 2, materials: 4, unitConversions: 3, billsOfMaterial: 3, sourceList: 2 },
  importedBy: 'admin@example.com',
  importedAt: '2026-11-27T06:00:00.000000Z',
};

@ApiTags('plant events')
@ApiBearerAuth()
@Controller('plant-events/v1/master-data')
export class MasterDataController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly masterData: MasterDataService,
  ) {}

  @Get()
  @Allow({ system: ['operations:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'The current master data set and the versions imported, newest first',
    description:
      'Plants, materials, unit conversions, BOM items and source lists as imported, with every import (source, content hash, counts, who).',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          versions: [VERSION_EXAMPLE],
          current: { plants: [], materials: [], unitConversions: [], billsOfMaterial: [], sourceList: [] },
        },
      },
    },
  })
  async get() {
    return {
      versions: await this.masterData.repository.versions(this.dataSource),
      current: await this.masterData.repository.current(this.dataSource),
    };
  }

  @Post('import-from-erp')
  @HttpCode(200)
  @Allow({ system: ['operations:write'], roles: ['admin'] })
  @ApiOperation({
    summary: 'Import master data from every ERP through the port; a new version unless nothing changed',
    description:
      'Reads plants, materials, unit conversions, BOM items and source lists from every configured ERP, validates the union and replaces the current set in one transaction.',
  })
  @ApiOkResponse({
    content: { 'application/json': { example: { changed: true, version: VERSION_EXAMPLE } } },
  })
  importFromErp(@CurrentPrincipal() principal: Principal) {
    return this.masterData.importFromErp(describePrincipal(principal));
  }
}
