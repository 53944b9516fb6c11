import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { queryRows } from '../platform/database/sql.js';
import { PermanentJobError, type JobContext, type JobHandler } from '../platform/jobs/job-definition.js';
import { HandlesJob } from '../platform/jobs/job-handler.decorator.js';
import { PortalAccountsService } from './portal-accounts.service.js';
import { linkTokenHash, newLinkToken, PortalLinkMailer } from './portal-link-mail.js';
import { PortalResetMailJob, type PortalResetMailPayload } from './portal.jobs.js';

@Injectable()
@HandlesJob(PortalResetMailJob)
export class PortalResetMailJobHandler implements JobHandler<PortalResetMailPayload> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: PortalAccountsService,
    private readonly mailer: PortalLinkMailer,
    private readonly audit: AuditService,
  ) {}

  async handle(payload: PortalResetMailPayload, context: JobContext): Promise<void> {
    // The token is minted here, on every try, and only its hash is stored: the outbox (and a dead
    // letter) never holds a working link. A try whose mail went out but was not recorded as done
    // sends a second mail; only the newer link works.
    const token = newLinkToken();
    const userId = await this.arm(payload.linkId, token);
    const user = userId === undefined ? undefined : await this.accounts.user(userId);
    if (!user?.active) return;
    try {
      await this.mailer.send('password-reset', user, { id: payload.linkId, token }, payload.because);
    } catch (error) {
      if (error instanceof PermanentJobError || context.attempt >= context.maxAttempts)
        await this.giveUp(payload, user, error as Error);
      throw error;
    }
  }

  /** Sets the token of a link still open; returns its user, or nothing when it is used or expired. */
  private async arm(linkId: string, token: string): Promise<string | undefined> {
    const [link] = await queryRows<{ user_id: string }>(
      this.dataSource,
      `UPDATE portal_link SET token_hash = $2
        WHERE id = $1 AND kind = 'password-reset' AND used_at IS NULL AND expires_at > now()
      RETURNING user_id::text AS user_id`,
      [linkId, linkTokenHash(token)],
    );
    return link?.user_id;
  }

  /** A link nobody received is void, so it does not hold back the next request; the failure is audited. */
  private async giveUp(
    payload: PortalResetMailPayload,
    user: { id: string; partnerId: string | null },
    error: Error,
  ): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`UPDATE portal_link SET used_at = now() WHERE id = $1 AND used_at IS NULL`, [
        payload.linkId,
      ]);
      await this.audit.record(tx, {
        actor: { kind: 'gateway' },
        action:
          payload.because === 'locked' ? 'portal.lock-notice-failed' : 'portal.password-reset-mail-failed',
        target: { type: 'user', id: user.id },
        partnerId: user.partnerId,
        after: { linkId: payload.linkId, reason: error.message },
      });
    });
  }
}
