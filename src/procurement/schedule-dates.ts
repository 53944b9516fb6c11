/** A supplier's confirmed schedule, as answers (855/865, ORDRSP, API, portal) carry it. */
interface ScheduleEntry {
  readonly deliveryDate?: string | undefined;
  readonly shipDate?: string | undefined;
}

/**
 * The latest delivery date a schedule confirms, and the latest ship date of its entries that give
 * no delivery date (ISO dates sort as dates). Kept apart because they say different things: a ship
 * date is when the goods leave, and the master data holds no transit time, so it can show an answer
 * late (shipped after the day asked) but never early.
 */
export function scheduleDates(schedule: readonly ScheduleEntry[] | undefined): {
  readonly delivered: string | undefined;
  readonly shipped: string | undefined;
} {
  let delivered: string | undefined;
  let shipped: string | undefined;
  for (const s of schedule ?? []) {
    if (s.deliveryDate !== undefined) {
      if (delivered === undefined || s.deliveryDate > delivered) delivered = s.deliveryDate;
    } else if (s.shipDate !== undefined && (shipped === undefined || s.shipDate > shipped))
      shipped = s.shipDate;
  }
  return { delivered, shipped };
}
