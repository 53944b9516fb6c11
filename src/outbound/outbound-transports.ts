import { Injectable } from '@nestjs/common';
import type { DeliveryChannel } from '../partners/delivery.schema.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import type { DeliveryTransport } from './transports/delivery-transport.js';
import { PlatformTransport } from './transports/platform.transport.js';
import { As2SendTransport } from '../transports/as2/as2-send.transport.js';
import { ApiPullTransport } from './transports/pull.transports.js';
import { MailboxTransport, SftpUploadTransport } from './transports/sftp.transports.js';
import { WebhookTransport } from './transports/webhook.transport.js';

/** The channel a partner's documents take: its profile's `delivery.channel`, else what its channels offer. */
export function deliveryChannelOf(partner: PartnerProfile): DeliveryChannel {
  if (partner.delivery) return partner.delivery.channel;
  const sftp = partner.channels.sftp;
  if (sftp?.mailbox?.enabled) return 'sftp-mailbox';
  if (sftp?.poll?.uploadDir) return 'sftp-upload';
  if (partner.channels.as2?.enabled) return 'as2';
  return 'api';
}

/** The transport of each delivery channel. */
@Injectable()
export class OutboundTransports {
  private readonly byChannel: Readonly<Record<DeliveryChannel, DeliveryTransport>>;

  constructor(
    mailbox: MailboxTransport,
    upload: SftpUploadTransport,
    webhook: WebhookTransport,
    platform: PlatformTransport,
    pull: ApiPullTransport,
    as2: As2SendTransport,
  ) {
    this.byChannel = {
      'sftp-mailbox': mailbox,
      'sftp-upload': upload,
      webhook,
      platform,
      api: pull,
      as2,
    };
  }

  for(channel: DeliveryChannel): DeliveryTransport {
    return this.byChannel[channel];
  }
}
