/**
 * The few rules that turn a map's reading into the event the catalogue defines and that a map file
 * cannot say declaratively. Each is a rule of the event schema or of the standard, named here:
 *
 * - An 850/860 with a cancellation purpose (BEG01/BCH01 01 or 03) cancels the whole order:
 *   `purchase-order.cancelled`, whose payload is only the reason.
 * - A cancelled line of an 860 is its line number (and reason) alone; an added line says no
 *   `changedFields`; a changed line without a known change code changed `other`.
 * - An answer (855/865) line without an ACK takes the order's status; a line that is not `changed`
 *   lists no changes; a rejected line confirms no schedule and a quantity of 0; an order `accepted` or `rejected` as a
 *   whole whose lines say otherwise is `accepted-with-changes` (the catalogue's consistency rule).
 */
type Json = Record<string, any>;

export function normalizeEvent(event: Json): Json {
  const payload = (event.payload ?? {}) as Json;
  switch (event.type) {
    case 'purchase-order.issued':
    case 'purchase-order.changed':
      if (event.document?.kind === 'cancellation')
        return {
          ...event,
          type: 'purchase-order.cancelled',
          payload: payload.reason ? { reason: payload.reason } : {},
        };
      if (event.type === 'purchase-order.changed')
        event.payload = { ...payload, lines: (payload.lines ?? []).map(changeLine) };
      return event;
    case 'purchase-order.acknowledged':
    case 'purchase-order.change-answered':
      event.payload = answer(payload);
      return event;
    default:
      return event;
  }
}

function changeLine(line: Json): Json {
  if (line.change === 'cancelled')
    return {
      change: 'cancelled',
      lineNumber: line.lineNumber,
      ...(line.reason ? { reason: line.reason } : {}),
    };
  const { changedFields, ...rest } = line;
  if (line.change === 'added') return rest;
  return { ...rest, changedFields: changedFields ?? ['other'] };
}

function answer(payload: Json): Json {
  const status = payload.status as string | undefined;
  const lines = ((payload.lines ?? []) as Json[]).map((line) => {
    const l = { ...line };
    l.status ??= status === 'rejected' ? 'rejected' : 'accepted';
    if (l.status !== 'changed') delete l.changes;
    if (l.status === 'rejected') {
      delete l.schedule;
      // The catalogue: a rejected line confirms 0 (an 865 POC03 still says what was ordered).
      if (l.quantity) l.quantity = { ...l.quantity, value: '0' };
    }
    return l;
  });
  const uniform = status === 'accepted' || status === 'rejected';
  const consistent = !uniform || lines.every((l) => l.status === status);
  return { ...payload, status: consistent ? status : 'accepted-with-changes', lines };
}
