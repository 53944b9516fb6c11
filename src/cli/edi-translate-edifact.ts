import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { EdifactMapRegistry } from '../translation/edifact-map-registry.js';
import { EdifactTranslator, type EdifactTranslation } from '../translation/edifact-translator.js';
import { CliFailure, print } from './cli-context.js';
import { EDI_EXIT } from './edi.command.js';

/**
 * `gateway edi translate` for an EDIFACT file: the same output shape and exit codes as for X12, with
 * EDIFACT's words (messages; `partially-accepted`, never "accepted with errors").
 */
export function translateEdifactFile(
  file: string,
  bytes: Buffer,
  given: PartnerProfile | undefined,
  profiles: readonly PartnerProfile[],
): void {
  let maps: EdifactMapRegistry;
  try {
    maps = new EdifactMapRegistry();
  } catch (error) {
    throw new CliFailure((error as Error).message, EDI_EXIT.failure);
  }
  const translator = new EdifactTranslator(maps);
  let partner = given;
  let result: EdifactTranslation = translator.translate({ bytes, partner, receivedAt: new Date() });
  if (!partner) {
    const sender = result.validation.interchanges[0]?.header.sender;
    partner =
      sender &&
      profiles.find((p) =>
        p.identities.edifact.some(
          (e) =>
            e.id.toUpperCase() === sender.id.trim().toUpperCase() &&
            (e.qualifier === undefined || e.qualifier === sender.qualifier.trim().toUpperCase()),
        ),
      );
    if (partner) result = translator.translate({ bytes, partner, receivedAt: new Date() });
  }
  const business = result.messages.filter((m) => m.outcome !== 'not-translated');
  const translated = business.filter((m) => m.outcome === 'translated').length;
  const outcome =
    translated === business.length && business.length > 0
      ? 'accepted'
      : translated > 0
        ? 'partially-accepted'
        : 'rejected';
  print({
    file,
    standard: 'edifact',
    partner: partner?.id ?? null,
    outcome,
    messages: result.messages.map((m) => ({
      interchange: m.interchangeReference,
      message: `${m.type} ${m.reference}`,
      directory: m.directory,
      outcome: m.outcome,
      problems: m.problems,
      ...(m.outcome === 'failed' ? { draft: m.draft } : {}),
    })),
    events: result.events,
  });
  process.exitCode =
    outcome === 'accepted' ? EDI_EXIT.accepted : outcome === 'rejected' ? EDI_EXIT.rejected : EDI_EXIT.noted;
}
