import { applyDecorators } from '@nestjs/common';
import { ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { problemType } from '../platform/http/problem-details.filter.js';
import { BEARER_REQUIRED } from './access.guard.js';

const EXAMPLE_CORRELATION = '01JDX3W6Q5M2V7K9R8T4N1B0C2';

/**
 * The 401 and 403 answers of AccessGuard on partner-facing routes, for the OpenAPI document: no or an
 * unusable credential, and a credential that may not use the route (scope, role, or the partner's API
 * channel switched off in its profile). Applied per controller; a route's own 403 (a missing document
 * scope) takes precedence on that route.
 */
export const ApiPartnerAccessResponses = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiUnauthorizedResponse({
      description:
        'No credential, or one that is unknown, expired, revoked or malformed (`WWW-Authenticate: Bearer …`). ' +
        'On POST routes this answer comes before the body is read.',
      content: {
        'application/problem+json': {
          example: {
            type: problemType('unauthenticated'),
            title: 'Unauthorized',
            status: 401,
            detail: BEARER_REQUIRED,
            instance: '/partner/v1/documents',
            correlationId: EXAMPLE_CORRELATION,
          },
        },
      },
    }),
    ApiForbiddenResponse({
      description:
        'The credential lacks the route’s scope or role (`forbidden`), or the partner’s API channel is switched ' +
        'off in its profile (`channel-disabled`, `channels.api.enabled: false`), for its keys, OAuth clients and ' +
        'supplier users alike.',
      content: {
        'application/problem+json': {
          example: {
            type: problemType('channel-disabled'),
            title: 'Forbidden',
            status: 403,
            detail:
              'the API channel of partner acme-fasteners is switched off (channels.api.enabled: false in its profile)',
            instance: '/partner/v1/orders',
            correlationId: EXAMPLE_CORRELATION,
          },
        },
      },
    }),
  );
