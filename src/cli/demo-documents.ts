import { randomUUID } from 'node:crypto';
import type { Json } from './demo-session.js';

/**
 * What the demo sends, as the plant and the supplier would: the reference scenario's plant,
 * material and supplier (DESIGN.md), its plant events and the supplier's 865, and the dates they
 * carry, counted in the plant's time zone.
 */

export const PLANT = '1000';
export const MATERIAL = 'CMP-BOLT-M8';
export const SUPPLIER = 'acme-fasteners';
export const LINE = 'LINE-4';
export const STEADY_PER_DAY = 240;
export const ACTUAL = '620';
export const STANDARD = '480';

export function plantEvent(type: string, number: string, occurredAt: string, payload: Json): Json {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 'v1',
    plant: PLANT,
    occurredAt,
    receivedAt: new Date().toISOString(),
    correlationId: `demo:${number}`,
    causationId: null,
    document: { kind: 'original', number, revision: '1' },
    source: { channel: 'mes' },
    payload,
  };
}

/** The supplier's X12 865 (004010) rejecting the change: BCA02 RJ, BCA05 the change revision answered. */
export function x865(
  control: string,
  poNumber: string,
  revision: string,
  orderDate: string,
  today: string,
): string {
  const date = today.replaceAll('-', '');
  const group = String(Number(control));
  return (
    [
      `ISA*00*          *00*          *ZZ*ACMEFAST       *ZZ*SUPPLIERGW     *${date.slice(2)}*1200*U*00401*${control}*0*P*>`,
      `GS*CA*ACMEFAST*SUPPLIERGW*${date}*1200*${group}*X*004010`,
      'ST*865*0001',
      `BCA*00*RJ*${poNumber}**${revision}*${orderDate.replaceAll('-', '')}***SO-${control}*${date}`,
      'CTT*0',
      'SE*4*0001',
      `GE*1*${group}`,
      `IEA*1*${control}`,
    ]
      .map((s) => `${s}~`)
      .join('\n') + '\n'
  );
}

export function todayIn(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
