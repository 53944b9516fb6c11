import { typeMatchesPrefix } from './exception-types.js';

/** Who owns new cases of a partner, plant and type; unset fields match anything. */
export interface RoutingRule {
  readonly id: string;
  readonly partnerId: string | null;
  readonly plant: string | null;
  readonly typePrefix: string | null;
  readonly ownerUserId: string;
  /** Decides between rules that name as many fields; higher wins. */
  readonly priority: number;
  readonly createdAt: string;
}

export interface RoutableCase {
  readonly type: string;
  readonly partnerId: string | null;
  readonly plant: string | null;
}

export function ruleMatches(rule: RoutingRule, subject: RoutableCase): boolean {
  return (
    (rule.partnerId === null || rule.partnerId === subject.partnerId) &&
    (rule.plant === null || rule.plant === subject.plant) &&
    (rule.typePrefix === null || typeMatchesPrefix(subject.type, rule.typePrefix))
  );
}

/**
 * How a rule ranks, compared left to right:
 * 1. how many of partner, plant and type it names (more is more specific);
 * 2. priority, the administrator's choice between rules naming as many fields, e.g. "partner acme"
 *    against "plant P1";
 * 3. partner before plant before type: the supplier relationship is what a buyer owns;
 * 4. a deeper type prefix (`acknowledgment.late` over `acknowledgment`).
 * Two rules cannot tie on all four and match one case: that needs the same scope, which the
 * database refuses (uq_exception_routing_rule_scope).
 */
export function specificity(rule: RoutingRule): number[] {
  return [
    [rule.partnerId, rule.plant, rule.typePrefix].filter((value) => value !== null).length,
    rule.priority,
    rule.partnerId === null ? 0 : 1,
    rule.plant === null ? 0 : 1,
    rule.typePrefix === null ? 0 : rule.typePrefix.split('.').length,
  ];
}

/** The most specific matching rule; among exact equals (not stored together), the oldest. */
export function pickRoutingRule(
  rules: readonly RoutingRule[],
  subject: RoutableCase,
): RoutingRule | undefined {
  let best: RoutingRule | undefined;
  for (const rule of rules) {
    if (!ruleMatches(rule, subject)) continue;
    if (!best || compareRules(rule, best) > 0) best = rule;
  }
  return best;
}

/** Positive when `a` wins over `b`. */
export function compareRules(a: RoutingRule, b: RoutingRule): number {
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < sa.length; i++) {
    if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
