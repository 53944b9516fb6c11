import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { detectEdiStandard, ediSniffHead } from '../edi/core/detect.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import type { PartnerProfile } from '../partners/partner-profile.schema.js';
import { X12MapRegistry } from '../translation/x12-map-registry.js';
import { X12Translator, type X12Translation } from '../translation/x12-translator.js';
import { CliFailure, cliConfig, print } from './cli-context.js';
import { EDI_EXIT } from './edi.command.js';
import { translateEdifactFile } from './edi-translate-edifact.js';

/**
 * `gateway edi translate FILE [--partner ID]`: an X12 or EDIFACT file (detected from its first
 * segment) to the canonical events its sets or messages become (offline: no database). The partner
 * (its cross-references and map overrides) is `--partner`, or the profile in PARTNERS_DIR whose
 * identity sent the first interchange. Exit codes as `inspect`: 0 every set or message became an
 * event, 1 some did, 2 none did, 3 the file or the maps could not be read.
 */
export function registerEdiTranslateCommand(program: Command): void {
  const edi = program.commands.find((c) => c.name() === 'edi') ?? program.command('edi');
  edi
    .command('translate')
    .description('print the canonical events an X12 or EDIFACT file translates to (and why a set did not)')
    .argument('<file>', 'X12 or EDIFACT file')
    .option(
      '--partner <id>',
      'partner profile to translate with (default: the one the ISA / UNB sender belongs to)',
    )
    .action(async (file: string, options: { partner?: string }) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new CliFailure(`cannot read ${file}: ${(error as Error).message}`, EDI_EXIT.failure);
      }
      const profiles = loadPartnerProfiles(cliConfig().PARTNERS_DIR).profiles;
      let partner: PartnerProfile | undefined;
      if (options.partner) {
        partner = profiles.find((p) => p.id === options.partner);
        if (!partner)
          throw new CliFailure(
            `no partner ${options.partner} in ${cliConfig().PARTNERS_DIR}`,
            EDI_EXIT.failure,
          );
      }
      if (detectEdiStandard(ediSniffHead(bytes)).standard === 'edifact') {
        translateEdifactFile(file, bytes, partner, profiles);
        return;
      }
      let maps: X12MapRegistry;
      try {
        maps = new X12MapRegistry();
      } catch (error) {
        throw new CliFailure((error as Error).message, EDI_EXIT.failure);
      }
      const translator = new X12Translator(maps);
      let result: X12Translation = translator.translate({ bytes, partner, receivedAt: new Date() });
      if (!partner) {
        const h = result.validation.interchanges[0]?.header;
        partner =
          h &&
          profiles.find((p) =>
            p.identities.x12.some(
              (x) =>
                x.qualifier === h.senderQualifier.trim().toUpperCase() &&
                x.id === h.senderId.trim().toUpperCase(),
            ),
          );
        if (partner) result = translator.translate({ bytes, partner, receivedAt: new Date() });
      }
      const business = result.sets.filter((s) => s.outcome !== 'not-translated');
      const translated = business.filter((s) => s.outcome === 'translated').length;
      const outcome =
        translated === business.length && business.length > 0
          ? 'accepted'
          : translated > 0
            ? 'accepted-with-errors'
            : 'rejected';
      print({
        file,
        partner: partner?.id ?? null,
        outcome,
        sets: result.sets.map((s) => ({
          interchange: s.interchangeControlNumber,
          group: s.groupControlNumber,
          set: `${s.setId} ${s.controlNumber}`,
          version: s.version,
          outcome: s.outcome,
          problems: s.problems,
          ...(s.outcome === 'failed' ? { draft: s.draft } : {}),
        })),
        events: result.events,
      });
      process.exitCode =
        outcome === 'accepted'
          ? EDI_EXIT.accepted
          : outcome === 'rejected'
            ? EDI_EXIT.rejected
            : EDI_EXIT.noted;
    });
}
