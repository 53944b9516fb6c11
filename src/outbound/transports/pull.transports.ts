import { Injectable } from '@nestjs/common';
import type { DeliveryResult } from '../outbound.types.js';
import type { DeliveryTransport } from './delivery-transport.js';

/** The partner pulls it: `GET /partner/v1/outbound-documents`, then confirms with `POST …/{id}/received`. */
@Injectable()
export class ApiPullTransport implements DeliveryTransport {
  deliver(): Promise<DeliveryResult> {
    return Promise.resolve({
      outcome: 'awaiting-pickup',
      detail: 'waiting for the partner to fetch it through the API',
    });
  }
}
