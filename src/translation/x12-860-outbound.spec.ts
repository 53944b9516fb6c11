import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvent, SAMPLE_EVENTS } from '../canonical/index.js';
import { generateX12 } from '../edi/x12/generator/index.js';
import { loadPartnerProfiles } from '../partners/partner-loader.js';
import { outboundConverters, X12MapRegistry } from './x12-map-registry.js';
import { X12Translator } from './x12-translator.js';

/** Outbound 860s a partner can read: what the gateway writes for every kind of line change. */
const maps = new X12MapRegistry();
const acme = loadPartnerProfiles(join(import.meta.dirname, '..', '..', 'partners')).profiles.find(
  (p) => p.id === 'acme-fasteners',
)!;
const translator = new X12Translator(maps);
const NOW = new Date('2025-03-19T20:21:05Z');
const FIELDS = ['quantity', 'price', 'date', 'material'] as const;

function changed(edit: (payload: Record<string, any>) => void) {
  const raw = structuredClone(SAMPLE_EVENTS['purchase-order.changed.v1']) as Record<string, any>;
  edit(raw.payload);
  return parseEvent(raw);
}

function write(event: ReturnType<typeof changed>, version = '004010') {
  return generateX12(event, maps.outbound('860', version)!, outboundConverters(acme), {
    delimiters: { element: '*', component: '>', repetition: '^', segment: '~' },
    sender: { qualifier: 'ZZ', id: 'BUYERCO' },
    receiver: { qualifier: 'ZZ', id: 'ACMEFAST' },
    version,
    now: NOW,
    controlNumbers: { interchange: 42, group: 42, sets: [7] },
  }).text;
}

const segment = (text: string, id: string) => text.split('~').find((s) => s.startsWith(`${id}*`));

const subsets = Array.from({ length: 2 ** FIELDS.length - 1 }, (_, n) =>
  FIELDS.filter((_f, k) => (n + 1) & (1 << k)),
);

describe('X12 860 POC02: one code for what changed on a line', () => {
  const expected: Record<string, string> = {
    quantity: 'QD',
    price: 'PC',
    date: 'CT',
    'quantity,price': 'PQ',
    'price,date': 'PR',
    'quantity,date': 'RQ',
    'quantity,price,date': 'MU',
  };
  for (const version of ['004010', '005010'])
    for (const fields of subsets)
      it(`${fields.join('+')} in ${version} is written, and read back translated`, () => {
        const event = changed((p) => {
          p.lines[0].changedFields = fields;
          p.lines[0].previousQuantity = { value: '12000', unit: 'H87' };
        });
        const text = write(event, version);
        const code = fields.includes('material') ? 'CA' : expected[fields.join(',')];
        expect(segment(text, 'POC')!.split('*')[2]).toBe(code);
        const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
        expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
        const line = (result.events[0]!.payload as any).lines[0];
        expect(line.changedFields).toEqual(fields.includes('material') ? ['other'] : fields);
      });

  it('says QI for an increase, QD for a decrease, CA when the previous quantity is unknown', () => {
    const poc02 = (previous: string | undefined) =>
      segment(
        write(
          changed((p) => {
            p.lines[0].changedFields = ['quantity'];
            if (previous) p.lines[0].previousQuantity = { value: previous, unit: 'H87' };
          }),
        ),
        'POC',
      )!.split('*')[2];
    expect(poc02('8000')).toBe('QI');
    expect(poc02('12000')).toBe('QD');
    expect(poc02(undefined)).toBe('CA');
  });
});

describe('X12 860 header', () => {
  it("writes the order's date in BCH06, the change's in BCH11, and a new ship-to as N1*ST", () => {
    const text = write(changed((p) => (p.header = { shipTo: 'SH200' })));
    expect(segment(text, 'BCH')).toBe('BCH*04*SA*4500012345**1*20250303*****20250314');
    expect(text.split('~').filter((s) => s.startsWith('N1*ST'))[0]).toBe('N1*ST**92*SH200');
    const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
    expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
    const back = result.events[0]!;
    expect(back.occurredAt).toBe('2025-03-14T09:05:00Z');
    expect((back.payload as any).orderDate).toBe('2025-03-03');
    expect((back.payload as any).header).toEqual({ shipTo: 'SH200' });
  });

  it('writes a change of the ship-to alone (no line changed) and reads it back', () => {
    const text = write(
      changed((p) => {
        p.header = { shipTo: 'SH200' };
        p.lines = [];
      }),
    );
    expect(text.split('~').filter((s) => s.startsWith('POC*'))).toEqual([]);
    const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
    expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
    expect((result.events[0]!.payload as any).header).toEqual({ shipTo: 'SH200' });
    expect((result.events[0]!.payload as any).lines).toEqual([]);
  });
});

describe('X12 860 POC03/POC04: quantity ordered and quantity left to receive', () => {
  const poc = (text: string) => segment(text, 'POC')!.split('*');

  it('writes what is left to receive when the event says, never a copy of POC03', () => {
    const text = write(
      changed((p) => {
        p.lines[0].changedFields = ['quantity'];
        p.lines[0].previousQuantity = { value: '8000', unit: 'H87' };
        p.lines[0].quantityLeftToReceive = { value: '6000', unit: 'H87' };
      }),
    );
    expect(poc(text).slice(1, 6)).toEqual(['10', 'QI', '10000', '6000', 'PC']);
    const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
    expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
  });

  it('leaves POC03 and POC04 out when it is not known (C030405), the quantity read back from SCH', () => {
    const text = write(changed((p) => (p.lines[0].changedFields = ['quantity'])));
    expect(poc(text).slice(1, 6)).toEqual(['10', 'CA', '', '', 'PC']);
    const result = translator.translate({ bytes: text, partner: acme, receivedAt: NOW });
    expect(result.sets.map((s) => [s.outcome, s.problems])).toEqual([['translated', []]]);
    expect((result.events[0]!.payload as any).lines[0].quantity).toEqual({ value: '10000', unit: 'H87' });
  });

  it('writes all of an added line as left to receive: nothing was received on it yet', () => {
    const text = write(
      changed((p) => {
        const { changedFields: _c, ...line } = p.lines[0];
        p.lines = [{ ...line, change: 'added', lineNumber: '20' }];
      }),
    );
    expect(poc(text).slice(1, 6)).toEqual(['20', 'AI', '10000', '10000', 'PC']);
  });
});

describe('X12 860 prices and currency', () => {
  it('writes POC06 as the price of one unit (4.25 per 100 → 0.0425), the quote in CTP', () => {
    const text = write(changed(() => {}));
    expect(segment(text, 'POC')!.split('*')[6]).toBe('0.0425');
    expect(segment(text, 'CTP')).toBe('CTP**UCP*4.25*100*PC');
  });

  it("writes the changed header's currency in CUR, and refuses lines priced in another", () => {
    const text = write(
      changed((p) => {
        p.header = { currency: 'EUR' };
        p.lines[0].unitPrice.currency = 'EUR';
        p.lines[0].changedFields = ['price'];
      }),
    );
    expect(segment(text, 'CUR')).toBe('CUR*BY*EUR');
    const line = structuredClone(SAMPLE_EVENTS['purchase-order.changed.v1'].payload.lines[0]);
    expect(() =>
      write(
        changed((p) => {
          p.header = { currency: 'EUR' };
          p.lines[0].changedFields = ['price'];
        }),
      ),
    ).toThrow('CUR02: line 10 is priced in USD, the order in EUR; one CUR covers every price');
    expect(() =>
      write(
        changed((p) => {
          p.lines.push({ ...line, lineNumber: '20', unitPrice: { amount: '1', currency: 'EUR' } });
        }),
      ),
    ).toThrow('CUR02: line 20 is priced in EUR, the order in USD');
  });
});

describe('X12 860 free text', () => {
  it('writes a reason with line breaks and tabs with spaces instead, and refuses other control characters', () => {
    const text = write(
      changed(
        (p) => (p.reason = { code: 'PULL-IN', text: 'consumption above standard\r\nline 4:\tpull in' }),
      ),
    );
    expect(segment(text, 'MSG')).toBe('MSG*consumption above standard line 4: pull in');
    expect(() => write(changed((p) => (p.reason = { code: 'PULL-IN', text: 'bell\u0007here' })))).toThrow(
      'MSG01 (data element 933, AN 1/264): control character in data',
    );
  });
});
