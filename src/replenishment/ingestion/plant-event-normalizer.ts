import { CanonicalError } from '../../canonical/canonical.exception.js';
import type { DecimalString } from '../../canonical/decimal.js';
import { parseEvent } from '../../canonical/events/catalogue.js';
import { convertMaterialQuantity } from '../../canonical/units.js';
import type { EventOf } from '../../canonical/events/catalogue.js';
import type { MasterDataView } from '../master-data/master-data.model.js';
import { fastParsePlantEvent } from './plant-event-fast-path.js';

/** The plant event types ingestion accepts from MES and WMS. */
export const PLANT_EVENT_TYPES = ['material.consumed', 'production.completed', 'inventory.adjusted'] as const;

export type PlantEvent =
  EventOf<'material.consumed.v1'> | EventOf<'production.completed.v1'> | EventOf<'inventory.adjusted.v1'>;

/** What `plant_event` holds: plant events, and goods receipts taken over from the PO lifecycle. */
export type StoredPlantEvent = PlantEvent | EventOf<'goods.received.v1'>;

export type MovementKind = 'consumed' | 'produced' | 'adjusted' | 'received' | 'opening';

/** One change of one material's stock, in the material's base unit, signed. */
export interface Movement {
  readonly seq: number;
  readonly material: string;
  readonly kind: MovementKind;
  readonly quantity: DecimalString;
}

export interface AcceptedEvent {
  readonly ok: true;
  /** `<plant>/<document number>/<revision>`: the MES or WMS message, whatever its envelope id. */
  readonly producerKey: string;
  readonly type: string;
  readonly plant: string;
  /** The material the event is about (the finished material of a production completion). */
  readonly material: string;
  readonly occurredAt: string;
  readonly event: StoredPlantEvent;
  readonly movements: readonly Movement[];
  /** The event's JSON text as received, when the channel has it: stored as it came. */
  readonly raw?: string;
}

export interface RejectedEvent {
  readonly ok: false;
  readonly producerKey: string | null;
  readonly reason: RejectionReason;
  readonly details: readonly string[];
}

export type RejectionReason =
  | 'invalid-event'
  | 'unsupported-type'
  | 'no-master-data'
  | 'unknown-plant'
  | 'unknown-material'
  | 'unit-not-convertible'
  /** The event names another plant than the channel it came on (an MQTT topic of one plant). */
  | 'plant-mismatch'
  /** Valid, but storing it failed on its own (a batch of one): kept so it cannot block the others. */
  | 'not-storable';

export type NormalizedEvent = AcceptedEvent | RejectedEvent;

/** The producer key of an event: plant, the producer's message id and its revision. */
export function producerKeyOf(event: {
  plant?: string;
  document: { number: string; revision: string };
}): string {
  return `${event.plant ?? ''}/${event.document.number}/${event.document.revision}`;
}

/**
 * Validates one plant event against the catalogue and the master data and turns it into stock
 * movements in base units. Never throws for bad input: a rejection says why, so the event can be
 * kept for diagnosis.
 */
export function normalizePlantEvent(input: unknown, master: MasterDataView | undefined): NormalizedEvent {
  let event;
  try {
    // The fast path answers only for valid events; zod decides everything else, with its messages.
    event = fastParsePlantEvent(input) ?? parseEvent(input);
  } catch (error) {
    const detail =
      error instanceof CanonicalError ? [error.message, ...error.details] : [(error as Error).message];
    return reject(guessKey(input), 'invalid-event', detail);
  }
  if (!(PLANT_EVENT_TYPES as readonly string[]).includes(event.type))
    return reject(producerKeyOf(event as PlantEvent), 'unsupported-type', [
      `${event.type} is not a plant event; expected ${PLANT_EVENT_TYPES.join(', ')}`,
    ]);
  const plantEvent = event as PlantEvent;
  const producerKey = producerKeyOf(plantEvent);
  if (!master) return reject(producerKey, 'no-master-data', ['no master data was imported yet']);
  if (!master.plants.has(plantEvent.plant))
    return reject(producerKey, 'unknown-plant', [`unknown plant ${plantEvent.plant}`]);

  const raw = rawMovements(plantEvent);
  const unknown = [...new Set(raw.map((m) => m.material).filter((m) => !master.materials.has(m)))];
  if (unknown.length > 0)
    return reject(
      producerKey,
      'unknown-material',
      unknown.map((m) => `unknown material ${m} at plant ${plantEvent.plant}`),
    );
  const movements: Movement[] = [];
  for (const [seq, m] of raw.entries()) {
    const known = master.materials.get(m.material)!;
    let quantity: DecimalString;
    try {
      quantity =
        m.unit === known.baseUnit
          ? m.value
          : convertMaterialQuantity(m.value, m.unit, known.baseUnit, known.conversions);
    } catch (error) {
      return reject(producerKey, 'unit-not-convertible', [(error as Error).message]);
    }
    movements.push({
      seq,
      material: m.material,
      kind: m.kind,
      quantity: m.negative ? negated(quantity) : quantity,
    });
  }
  return {
    ok: true,
    producerKey,
    type: plantEvent.type,
    plant: plantEvent.plant,
    material: 'material' in plantEvent.payload ? plantEvent.payload.material : raw[0]!.material,
    occurredAt: plantEvent.occurredAt,
    event: plantEvent,
    movements,
  };
}

interface RawMovement {
  readonly material: string;
  readonly kind: MovementKind;
  readonly value: DecimalString;
  readonly unit: string;
  readonly negative: boolean;
}

/** What each event type does to stock: consumption takes, production adds its good quantity. */
function rawMovements(event: PlantEvent): RawMovement[] {
  switch (event.type) {
    case 'material.consumed':
      return event.payload.items.map((item) => ({
        material: item.material,
        kind: 'consumed',
        value: item.quantity.value,
        unit: item.quantity.unit,
        negative: true,
      }));
    case 'production.completed':
      return [
        {
          material: event.payload.material,
          kind: 'produced',
          value: event.payload.finishedQuantity.value,
          unit: event.payload.finishedQuantity.unit,
          negative: false,
        },
        ...event.payload.components.map((c): RawMovement => ({
          material: c.material,
          kind: 'consumed',
          value: c.quantity.value,
          unit: c.quantity.unit,
          negative: true,
        })),
      ];
    case 'inventory.adjusted': {
      const negative = event.payload.change.value.startsWith('-');
      return [
        {
          material: event.payload.material,
          kind: 'adjusted',
          value: (negative
            ? event.payload.change.value.slice(1)
            : event.payload.change.value) as DecimalString,
          unit: event.payload.change.unit,
          negative,
        },
      ];
    }
  }
}

/** A canonical non-negative decimal, negated (text only: canonical form has no sign and no `-0`). */
function negated(value: DecimalString): DecimalString {
  return (value === '0' ? value : `-${value}`) as DecimalString;
}

function reject(
  producerKey: string | null,
  reason: RejectionReason,
  details: readonly string[],
): RejectedEvent {
  return { ok: false, producerKey, reason, details };
}

/** The producer key of an event too broken to validate, when its envelope still names one. */
function guessKey(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return null;
  const { plant, document } = input as {
    plant?: unknown;
    document?: { number?: unknown; revision?: unknown };
  };
  if (typeof document?.number !== 'string' || typeof document.revision !== 'string') return null;
  return `${typeof plant === 'string' ? plant : ''}/${document.number}/${document.revision}`;
}
