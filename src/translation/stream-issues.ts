import type { Differences } from '../exceptions/exception.types.js';

/** What a reader found outside every interchange (X12 `streamIssues`, EDIFACT `streamIssues`). */
interface StreamIssue {
  readonly severity: string;
  readonly code?: string | undefined;
  readonly message: string;
}

export interface OutsideInterchange {
  /** One line for the archive row's status detail and the case summary. */
  readonly detail: string;
  readonly differences: Differences;
}

/**
 * Data outside any interchange (a GS..GE after IEA with no ISA, an UNH..UNT after UNZ) belongs to no
 * interchange, so no acknowledgment can name it: a TA1 answers an ISA13 and a CONTRL a UNB 0020
 * (ACK-CODES.md: "an unreadable ISA cannot be answered by TA1 at all (report it by other means)";
 * ISO 9735-6 likewise needs the UNB). The acknowledgments of the interchanges around it stay as they
 * are; this is the "other means": the row's detail and an `interchange.rejected` case. Undefined when
 * the reader found nothing outside.
 */
export function outsideInterchange(
  standard: 'X12' | 'EDIFACT',
  issues: readonly StreamIssue[],
): OutsideInterchange | undefined {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return undefined;
  const lines = errors.map((i) => `${i.code ?? '?'} ${i.message}`);
  const envelope = standard === 'X12' ? 'ISA/IEA' : 'UNB/UNZ';
  return {
    detail:
      `${errors.length} ${standard} finding(s) outside any interchange, not processed and not acknowledged ` +
      `(no ${envelope} to answer): ${lines.slice(0, 5).join('; ')}`,
    differences: {
      outsideInterchange: { expected: `every segment inside ${envelope}`, actual: lines.slice(0, 20) },
    },
  };
}
