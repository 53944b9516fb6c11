import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isScaledOut, type GatewayConfig } from '../../config/config.js';
import { InjectConfig } from '../../config/config.module.js';
import type { As2ChannelSettings } from '../../partners/as2-channel.schema.js';
import { as2Key } from '../../partners/partner-identities.js';
import type { PartnerProfile } from '../../partners/partner-profile.schema.js';
import { PartnerRegistry } from '../../partners/partner-registry.js';
import { As2Error, As2ErrorCode } from './as2.exception.js';
import { loadOurAs2KeyPairs, signingPair } from './as2-keys.js';
import {
  MODERN_CONTENT_ENCRYPTION,
  MODERN_MIC_ALGORITHMS,
  type As2KeyPair,
  type As2SecurityPolicy,
  type ContentEncryption,
  type MicAlgorithm,
} from './protocol/index.js';

/** One partner's AS2 agreement, resolved: profile, settings, pinned certificates. */
export interface As2Partnership {
  readonly partner: PartnerProfile;
  readonly settings: As2ChannelSettings;
  readonly certificates: readonly X509Certificate[];
}

export type PartnershipLookup =
  | { readonly ok: true; readonly partnership: As2Partnership }
  | {
      readonly ok: false;
      readonly reason: 'unknown-as2-to' | 'unknown-as2-from';
      readonly partnerId?: string;
    };

/**
 * Partnerships by AS2-From / AS2-To (RFC 4130 §6.2: names compared case-sensitively), and the security
 * policy of each, built from the partner profile (`channels.as2`) and our key pair. Partner
 * certificates are read at boot, so a missing or unreadable file stops the start, not the first message.
 */
@Injectable()
export class As2Partnerships implements OnModuleInit {
  private readonly logger = new Logger(As2Partnerships.name);
  private ourKeys?: Promise<As2KeyPair[]>;
  private readonly byAs2From = new Map<string, As2Partnership>();
  private readonly byPartnerId = new Map<string, As2Partnership>();

  constructor(
    private readonly partners: PartnerRegistry,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    for (const partner of this.partners.all()) {
      const settings = partner.channels.as2;
      if (!settings?.enabled) continue;
      const partnership = { partner, settings, certificates: settings.certificates.map((f) => this.load(f)) };
      for (const id of partner.identities.as2) this.byAs2From.set(as2Key(id), partnership);
      this.byPartnerId.set(partner.id, partnership);
    }
    if (this.byPartnerId.size === 0) return;
    if (this.config.AS2_KEY_FILE || this.config.AS2_PKCS12_FILE) {
      // Configured files are checked at boot: a wrong path stops the start, not the first message.
      return void this.keys().catch((error: unknown) => this.logger.error(String(error)));
    }
    if (isScaledOut(this.config)) {
      this.logger.warn(
        'AS2 partners are enabled but neither AS2_PKCS12_FILE nor AS2_KEY_FILE / AS2_CERT_FILE is set: AS2 messages fail until one is',
      );
      return;
    }
    // Generated in the background (a key takes a moment), ready before a partner can have our certificate.
    void this.keys().catch((error: unknown) => this.logger.error(String(error)));
  }

  /** Our AS2 name. */
  get ourId(): string {
    return this.config.AS2_ID;
  }

  /** Every key pair of ours (rollover: two), read (or on a single process generated) once, on first need. */
  allKeys(): Promise<As2KeyPair[]> {
    this.ourKeys ??= loadOurAs2KeyPairs(this.config);
    this.ourKeys.catch(() => (this.ourKeys = undefined));
    return this.ourKeys;
  }

  /** The pair that signs MDNs and outbound messages: the newest valid certificate's (as2-keys.ts). */
  async keys(): Promise<As2KeyPair> {
    return signingPair(await this.allKeys());
  }

  /** The key pair we sign outbound messages with. */
  signingKeys(): Promise<As2KeyPair> {
    return this.keys();
  }

  /**
   * The partnership a message belongs to. On a per-partner URL the AS2-From must be that partner's:
   * a sender cannot reach another partner's agreement by choosing the URL.
   */
  find(as2From: string, as2To: string, routePartnerId?: string): PartnershipLookup {
    if (as2Key(as2To) !== as2Key(this.ourId)) return { ok: false, reason: 'unknown-as2-to' };
    const partnership = this.byAs2From.get(as2Key(as2From));
    if (!partnership || (routePartnerId !== undefined && partnership.partner.id !== routePartnerId))
      return { ok: false, reason: 'unknown-as2-from' };
    return { ok: true, partnership };
  }

  /** The AS2 partnership of a partner (sending), if its profile enables AS2. */
  forPartner(partnerId: string): As2Partnership | undefined {
    return this.byPartnerId.get(partnerId);
  }

  /** The MIC and signature digests this partnership allows (sha1 only with `legacy.sha1`). */
  micAlgorithms(partnership: As2Partnership): readonly MicAlgorithm[] {
    const { security } = partnership.settings;
    const digests: readonly MicAlgorithm[] =
      security.allowedMicAlgorithms ??
      (security.legacy.sha1 ? [...MODERN_MIC_ALGORITHMS, 'sha1'] : MODERN_MIC_ALGORITHMS);
    return digests.filter((d) => d !== 'sha1' || security.legacy.sha1);
  }

  /** What the core enforces for this partnership. */
  async policy(partnership: As2Partnership): Promise<As2SecurityPolicy> {
    const { security } = partnership.settings;
    const encryption: readonly ContentEncryption[] =
      security.allowedContentEncryption ??
      (security.legacy.tripleDes
        ? [...MODERN_CONTENT_ENCRYPTION, 'des-ede3-cbc']
        : MODERN_CONTENT_ENCRYPTION);
    return {
      requireSigned: security.requireSigned,
      requireEncrypted: security.requireEncrypted,
      partnerCertificates: partnership.certificates,
      // The signing pair first (it signs MDNs); every pair decrypts during a rollover overlap.
      ourKeys: await this.decryptionKeys(),
      // The core has one legacy switch; the lists above keep sha1 and 3DES apart.
      allowLegacy: security.legacy.sha1 || security.legacy.tripleDes,
      allowRsaPkcs1v15: security.legacy.rsaPkcs1v15,
      allowedDigests: this.micAlgorithms(partnership),
      allowedContentEncryption: encryption.filter((e) => e !== 'des-ede3-cbc' || security.legacy.tripleDes),
      maxDecompressedBytes: partnership.settings.maxDecompressedBytes ?? this.config.AS2_MAX_MESSAGE_BYTES,
    };
  }

  private async decryptionKeys(): Promise<As2KeyPair[]> {
    const all = await this.allKeys();
    const signing = signingPair(all);
    return [signing, ...all.filter((pair) => pair !== signing)];
  }

  private load(file: string): X509Certificate {
    const path = isAbsolute(file) ? file : resolve(this.config.PARTNERS_DIR, file);
    try {
      return new X509Certificate(readFileSync(path));
    } catch (error) {
      throw new As2Error(
        As2ErrorCode.CertificateUnreadable,
        `configuration error: AS2 partner certificate ${path} is not a readable PEM certificate (${(error as Error).message})`,
        { cause: error },
      );
    }
  }
}
