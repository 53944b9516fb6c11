/**
 * When an order revision asked its supplier for an answer: the one rule the acknowledgment SLA sweep
 * (acknowledgment-sla.ts) and the scorecard (portal/scorecards) start their clocks by. A LATERAL
 * subquery over the revision's outbound documents (functional acknowledgments aside), as SQL with the
 * caller's column expressions, giving
 * - `documented`: a document was made for the revision (false: the partner receives none, and the
 *   clock starts when the revision was recorded);
 * - `withdrawn`: every such document was cancelled before it reached the supplier (an operator's
 *   cancel, or its order ended): the revision asked nothing, so it is no request — not on time, late
 *   or missing. A cancelled offer for pickup keeps the time it was offered, which starts no clock;
 * - `at`: the latest delivery of a document not cancelled (null: none delivered yet). A resend
 *   delivers again, and so starts the clock again (OutboundDocumentRepository.resendRound).
 * `only` restricts it to the rows it applies to (other rows get no document).
 */
export function revisionSent(on: {
  readonly partnerId: string;
  readonly poNumber: string;
  readonly revision: string;
  readonly only?: string;
}): string {
  return `SELECT count(*) > 0 AS documented,
                 count(*) > 0 AND bool_and(d.status = 'cancelled') AS withdrawn,
                 max(d.delivered_at) FILTER (WHERE d.status <> 'cancelled') AS at
            FROM outbound_document d
           WHERE ${on.only ? `${on.only} AND ` : ''}d.partner_id = ${on.partnerId} AND d.po_number = ${on.poNumber}
             AND d.po_revision = ${on.revision} AND d.kind <> 'functional-ack'`;
}
