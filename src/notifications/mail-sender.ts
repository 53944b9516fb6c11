import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { PermanentJobError } from '../platform/jobs/job-definition.js';
import {
  NOTIFICATION_SETTINGS,
  type EmailSettings,
  type NotificationSettings,
} from './notification-settings.js';

export interface OutgoingMail {
  /** An address, or a name and an address (nodemailer quotes the name as RFC 5322 wants). */
  readonly to: string | { readonly name: string; readonly address: string };
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** `<…@domain>`, the same on every try, so a mail delivered twice can be recognised as one. */
  readonly messageId: string;
  /** Message-IDs this one follows (a case's thread). */
  readonly references?: readonly string[];
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

/**
 * SMTP through nodemailer. Certificates are always verified; timeouts keep a silent server from
 * holding a job beyond its lock.
 */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private transport?: Transport;

  constructor(@Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings) {}

  async send(mail: OutgoingMail): Promise<void> {
    const email = this.settings.email;
    if (!email) throw new PermanentJobError('e-mail notifications are not configured (NOTIFY_SMTP_URL)');
    this.transport ??= nodemailer.createTransport(transportOptions(email));
    try {
      await this.transport.sendMail({
        from: email.from,
        to: typeof mail.to === 'string' ? mail.to : { ...mail.to },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.references?.length ? { references: [...mail.references] } : {}),
        // RFC 3834: a machine wrote it; auto-responders must not answer it.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (error) {
      throw classify(error);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

export function transportOptions(email: EmailSettings) {
  return {
    host: email.host,
    port: email.port,
    secure: email.implicitTls,
    requireTLS: !email.implicitTls && email.starttls === 'required',
    ignoreTLS: !email.implicitTls && email.starttls === 'off',
    ...(email.user ? { auth: { user: email.user, pass: email.password ?? '' } } : {}),
    tls: { minVersion: 'TLSv1.2' as const, rejectUnauthorized: true, ...(email.ca ? { ca: email.ca } : {}) },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
  };
}

/**
 * A 5xx reply (RFC 5321 §4.2.1: permanent — unknown mailbox, relay denied, authentication refused) will
 * not change by retrying and is dead-lettered for an operator; anything else (connection refused,
 * timeouts, 4xx) is retried with the job's backoff.
 */
function classify(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const what = `SMTP ${e.responseCode ?? e.code ?? 'error'}: ${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
    return new PermanentJobError(what, { cause: error });
  }
  return new Error(what, { cause: error });
}
