import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from './access-rules.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { USER_ROLES, type Principal } from './principal.js';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @Allow({ partner: [], system: [], roles: USER_ROLES })
  @ApiOperation({
    summary: 'Who the token belongs to, with its scopes or role',
    description:
      'The principal of the bearer token: a partner credential with its scopes, a system client, or a user with role and partner.',
  })
  @ApiOkResponse({
    content: {
      'application/json': {
        example: {
          kind: 'partner',
          partnerId: 'acme-fasteners',
          credentialId: 'sgc_k3v7q2m4x6ab',
          scopes: ['profile:read'],
        },
      },
    },
  })
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}
