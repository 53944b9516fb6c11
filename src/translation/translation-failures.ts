import type { EntityManager } from 'typeorm';
import { GATEWAY_ACTOR } from '../audit/actor.js';
import type { ExceptionService } from '../exceptions/exception.service.js';

/** A set / message the syntax accepted (997 AK5 A, CONTRL 7) whose map made no valid event. */
export interface TranslationFailure {
  /** `ISA13/GS06/ST02` or `UNB 0020/UNH 0062`: the partner's own control numbers. */
  readonly controlNumbers: string;
  /** `856`, `DESADV`. */
  readonly type: string;
  readonly problems: readonly string[];
}

/**
 * One `interchange.translation-failed` case per failed set. The partner was told the set was accepted
 * (its syntax is sound), so nobody else will act on it: the document it carries (a ship notice with a
 * wrong SSCC check digit, say) is neither posted nor refused. The key names the archive row and the
 * set, so a retried translation finds its case.
 */
export async function raiseTranslationFailures(
  exceptions: ExceptionService,
  tx: EntityManager,
  source: {
    readonly standard: 'X12' | 'EDIFACT';
    readonly interchangeId: string;
    readonly partnerId: string | null;
    readonly correlationId: string | null;
  },
  failures: readonly TranslationFailure[],
): Promise<void> {
  for (const failure of failures) {
    // One line each: the workbench shows the summary on one line.
    const problems = failure.problems.slice(0, 20).map((p) => clip(p.replace(/\s+/g, ' '), 300));
    await exceptions.raise(
      tx,
      {
        type: 'interchange.translation-failed',
        dedupeKey: `interchange:${source.interchangeId}:set:${failure.controlNumbers}`,
        summary: clip(
          `${source.standard} ${failure.type} ${failure.controlNumbers}${source.partnerId ? ` from ${source.partnerId}` : ''} ` +
            `was acknowledged as accepted but could not be translated: ${problems.slice(0, 3).join('; ')}`,
          500,
        ),
        references: { partnerId: source.partnerId, interchangeId: source.interchangeId },
        differences: { canonicalEvent: { expected: 'a valid canonical event', actual: problems } },
        ...(source.correlationId ? { correlationId: source.correlationId } : {}),
      },
      GATEWAY_ACTOR,
    );
  }
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
