import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../gateway/access-rules.js';
import { PartnerRegistry } from './partner-registry.js';

export interface PartnerSummary {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly standards: string[];
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin/partners')
export class PartnersAdminController {
  constructor(private readonly partners: PartnerRegistry) {}

  @Get()
  @Allow({ system: ['partners:read'], roles: ['buyer', 'admin'] })
  @ApiOperation({
    summary: 'Every trading partner with its status and standards (ERP, buyers, admins)',
    description:
      'The partner registry as loaded from PARTNERS_DIR: id, name, status and the standards each partner uses.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: [
          { id: 'acme-fasteners', name: 'Acme Fasteners Inc.', status: 'test', standards: ['x12 004010'] },
        ],
      },
    },
  })
  list(): PartnerSummary[] {
    return this.partners.all().map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      standards: [
        ...new Set(
          [...p.documents.inbound, ...p.documents.outbound].map((d) => `${d.standard} ${d.version}`),
        ),
      ].sort(),
    }));
  }
}
