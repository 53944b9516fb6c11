import { describe, expect, it } from 'vitest';
import { pickRoutingRule, ruleMatches, type RoutingRule } from './exception-routing.js';

let seq = 0;
function rule(fields: Partial<RoutingRule>): RoutingRule {
  seq += 1;
  return {
    id: `rule-${String(seq).padStart(3, '0')}`,
    partnerId: null,
    plant: null,
    typePrefix: null,
    ownerUserId: `owner-${seq}`,
    priority: 0,
    createdAt: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000000Z`,
    ...fields,
  };
}

const lateAck = { type: 'acknowledgment.late', partnerId: 'acme', plant: 'P1' };

describe('routing rule matching', () => {
  it('matches on every field it names and ignores the ones it leaves open', () => {
    expect(ruleMatches(rule({}), lateAck)).toBe(true);
    expect(ruleMatches(rule({ partnerId: 'acme', plant: 'P1', typePrefix: 'acknowledgment' }), lateAck)).toBe(
      true,
    );
    expect(ruleMatches(rule({ partnerId: 'nordic' }), lateAck)).toBe(false);
    expect(ruleMatches(rule({ plant: 'P2' }), lateAck)).toBe(false);
    expect(ruleMatches(rule({ typePrefix: 'interchange' }), lateAck)).toBe(false);
  });

  it('matches type prefixes on whole segments only', () => {
    expect(ruleMatches(rule({ typePrefix: 'acknowledgment.late' }), lateAck)).toBe(true);
    expect(ruleMatches(rule({ typePrefix: 'acknowledg' }), lateAck)).toBe(false);
    expect(ruleMatches(rule({ typePrefix: 'acknowledgment.la' }), lateAck)).toBe(false);
  });

  it('needs the case to have the partner or plant a rule names', () => {
    const noPartner = { type: 'interchange.rejected', partnerId: null, plant: null };
    expect(ruleMatches(rule({ partnerId: 'acme' }), noPartner)).toBe(false);
    expect(ruleMatches(rule({ plant: 'P1' }), noPartner)).toBe(false);
  });

  it('leaves a case unassigned when nothing matches', () => {
    expect(pickRoutingRule([rule({ partnerId: 'nordic' })], lateAck)).toBeUndefined();
    expect(pickRoutingRule([], lateAck)).toBeUndefined();
  });

  it('picks the rule naming the most fields, whatever the order and priorities', () => {
    const anything = rule({ priority: 100 });
    const partner = rule({ partnerId: 'acme', priority: 50 });
    const partnerPlant = rule({ partnerId: 'acme', plant: 'P1' });
    const all = rule({ partnerId: 'acme', plant: 'P1', typePrefix: 'acknowledgment' });
    for (const rules of [
      [anything, partner, partnerPlant, all],
      [all, partnerPlant, partner, anything],
    ]) {
      expect(pickRoutingRule(rules, lateAck)).toBe(all);
      expect(
        pickRoutingRule(
          rules.filter((r) => r !== all),
          lateAck,
        ),
      ).toBe(partnerPlant);
    }
  });

  it('lets priority decide between rules naming as many fields', () => {
    const partner = rule({ partnerId: 'acme' });
    const plant = rule({ plant: 'P1', priority: 10 });
    expect(pickRoutingRule([partner, plant], lateAck)).toBe(plant);
    expect(pickRoutingRule([plant, { ...partner, priority: 11 }], lateAck)?.id).toBe(partner.id);
  });

  it('prefers partner over plant over type at equal priority', () => {
    const partner = rule({ partnerId: 'acme' });
    const plant = rule({ plant: 'P1' });
    const type = rule({ typePrefix: 'acknowledgment.late' });
    expect(pickRoutingRule([type, plant, partner], lateAck)).toBe(partner);
    expect(pickRoutingRule([type, plant], lateAck)).toBe(plant);
  });

  it('prefers the deeper type prefix', () => {
    const group = rule({ typePrefix: 'acknowledgment' });
    const exact = rule({ typePrefix: 'acknowledgment.late' });
    expect(pickRoutingRule([exact, group], lateAck)).toBe(exact);
    expect(pickRoutingRule([group, exact], lateAck)).toBe(exact);
    expect(pickRoutingRule([group, exact], { ...lateAck, type: 'acknowledgment.rejected' })).toBe(group);
  });

  it('breaks an exact tie by age, so the answer never depends on row order', () => {
    const older = rule({ partnerId: 'acme' });
    const newer = rule({ partnerId: 'acme' });
    expect(pickRoutingRule([newer, older], lateAck)).toBe(older);
    expect(pickRoutingRule([older, newer], lateAck)).toBe(older);
  });
});
