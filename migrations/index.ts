import { PlatformJobs1764230400000 } from './1764230400000-platform-jobs.js';
import { DiagnosticsProbe1764230400001 } from './1764230400001-diagnostics-probe.js';
import { InterchangeArchive1764230400002 } from './1764230400002-interchange-archive.js';
import { Identity1764230400003 } from './1764230400003-identity.js';
import { AuditLog1764230400004 } from './1764230400004-audit-log.js';
import { Exceptions1764230400005 } from './1764230400005-exceptions.js';
import { X12ControlNumbers1764230400006 } from './1764230400006-x12-control-numbers.js';
import { Erp1764230400007 } from './1764230400007-erp.js';
import { EdifactReferences1764230400008 } from './1764230400008-edifact-references.js';
import { CanonicalEvents1764230400009 } from './1764230400009-canonical-events.js';
import { Notifications1764230400010 } from './1764230400010-notifications.js';
import { Procurement1764230400011 } from './1764230400011-procurement.js';
import { Shipments1764230400012 } from './1764230400012-shipments.js';
import { OAuthClients1764230400013 } from './1764230400013-oauth-clients.js';
import { EdifactOutbound1764230400015 } from './1764230400015-edifact-outbound.js';
import { SftpMailbox1764230400016 } from './1764230400016-sftp-mailbox.js';
import { PlantEvents1764230400017 } from './1764230400017-plant-events.js';
import { OutboundDelivery1764230400018 } from './1764230400018-outbound-delivery.js';
import { As2SecurityFailures1764230400019 } from './1764230400019-as2-security-failures.js';
import { Portal1764230400020 } from './1764230400020-portal.js';
import { As2AsyncMdn1764230400021 } from './1764230400021-as2-async-mdn.js';
import { ReplenishmentLoop1764230400022 } from './1764230400022-replenishment-loop.js';
import { PartnerWebhooks1764230400023 } from './1764230400023-partner-webhooks.js';
import { AsnBuilder1764230400024 } from './1764230400024-asn-builder.js';
import { Tracking1764230400025 } from './1764230400025-tracking.js';
import { Workbench1764230400026 } from './1764230400026-workbench.js';
import { PartnerScorecards1764230400027 } from './1764230400027-partner-scorecards.js';
import { PortalPages1764230400029 } from './1764230400029-portal-pages.js';
import { AsnBuilderSending1764230400030 } from './1764230400030-asn-builder-sending.js';
import { ErpPostingChanges1764230400031 } from './1764230400031-erp-posting-changes.js';
import { CaseRevisionAndOccurrence1764230400033 } from './1764230400033-case-revision-and-occurrence.js';
import { SftpPollClaims1764230400034 } from './1764230400034-sftp-poll-claims.js';
import { AcceptedOverShipment1764230400039 } from './1764230400039-accepted-over-shipment.js';
import { ReplenishmentCrossingSequence1764230400040 } from './1764230400040-replenishment-crossing-sequence.js';
import { OutboundWithdrawn1764230400042 } from './1764230400042-outbound-withdrawn.js';
import { AnsweredRevision1764230400043 } from './1764230400043-answered-revision.js';
import { AnsweredRevisionTrigger1764230400044 } from './1764230400044-answered-revision-trigger.js';

/** Every migration, in order. Listed explicitly so that the app and the CLI run the same set. */
export const MIGRATIONS = [
  PlatformJobs1764230400000,
  DiagnosticsProbe1764230400001,
  InterchangeArchive1764230400002,
  Identity1764230400003,
  AuditLog1764230400004,
  Exceptions1764230400005,
  X12ControlNumbers1764230400006,
  Erp1764230400007,
  EdifactReferences1764230400008,
  CanonicalEvents1764230400009,
  Notifications1764230400010,
  Procurement1764230400011,
  Shipments1764230400012,
  OAuthClients1764230400013,
  EdifactOutbound1764230400015,
  SftpMailbox1764230400016,
  PlantEvents1764230400017,
  OutboundDelivery1764230400018,
  As2SecurityFailures1764230400019,
  Portal1764230400020,
  As2AsyncMdn1764230400021,
  ReplenishmentLoop1764230400022,
  PartnerWebhooks1764230400023,
  AsnBuilder1764230400024,
  Tracking1764230400025,
  Workbench1764230400026,
  PartnerScorecards1764230400027,
  PortalPages1764230400029,
  AsnBuilderSending1764230400030,
  ErpPostingChanges1764230400031,
  CaseRevisionAndOccurrence1764230400033,
  SftpPollClaims1764230400034,
  AcceptedOverShipment1764230400039,
  ReplenishmentCrossingSequence1764230400040,
  OutboundWithdrawn1764230400042,
  AnsweredRevision1764230400043,
  AnsweredRevisionTrigger1764230400044,
];
