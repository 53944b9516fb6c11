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

/**
 * AS2 sending arrives with the AS2 send issue; until then a document for an AS2 partner waits,
 * visible, in `waiting-transport`, and is delivered by a resend once the transport exists.
 */
@Injectable()
export class As2PendingTransport implements DeliveryTransport {
  deliver(): Promise<DeliveryResult> {
    return Promise.resolve({
      outcome: 'waiting-transport',
      detail: 'AS2 sending is not available in this version; the document waits for a resend',
    });
  }
}
