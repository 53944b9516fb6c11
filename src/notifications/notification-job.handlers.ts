import { Injectable } from '@nestjs/common';
import type { JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { NotificationDelivery } from './notification-delivery.service.js';
import { NotifyDigestJob, NotifyEmailJob, NotifyWebhookJob } from './notification.jobs.js';
import type { NotifyDigestPayload, NotifyPayload } from './notification.types.js';

@Injectable()
@HandlesJob(NotifyEmailJob)
export class NotifyEmailJobHandler implements JobHandler<NotifyPayload> {
  constructor(private readonly delivery: NotificationDelivery) {}

  async handle(payload: NotifyPayload): Promise<void> {
    await this.delivery.deliver('email', payload);
  }
}

@Injectable()
@HandlesJob(NotifyWebhookJob)
export class NotifyWebhookJobHandler implements JobHandler<NotifyPayload> {
  constructor(private readonly delivery: NotificationDelivery) {}

  async handle(payload: NotifyPayload): Promise<void> {
    await this.delivery.deliver('webhook', payload);
  }
}

@Injectable()
@HandlesJob(NotifyDigestJob)
export class NotifyDigestJobHandler implements JobHandler<NotifyDigestPayload> {
  constructor(private readonly delivery: NotificationDelivery) {}

  async handle(payload: NotifyDigestPayload): Promise<void> {
    await this.delivery.deliverDigest(payload.digestId);
  }
}
