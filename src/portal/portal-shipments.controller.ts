import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../gateway/access-rules.js';
import { PortalGuard } from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';

/** The ASN builder's portal pages (#19): work in progress. */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@Controller('portal/shipments')
export class PortalShipmentsController {}
