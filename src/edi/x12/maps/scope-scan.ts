import type { X12Selector } from './selector.js';
import {
  allOf,
  allRead,
  firstOf,
  firstRead,
  readsOwnScope,
  type SegmentPush,
  type SegmentRead,
  type X12AllOf,
  type X12FirstOf,
} from './selector-compile.js';
import type { SegmentSelector } from './selector-eval.js';
import { fromSource } from './from-source.js';
import type { X12Scope } from './set-index.js';
import type { X12SelectorSource } from './value-rules.js';

type Fill = (scope: X12Scope, first: (string | undefined)[], all: string[][]) => void;

/**
 * A selector's place in the scan: what it reads of each segment of its id goes to slot `slot` (its
 * first value in first mode, every value in all mode).
 */
interface Slot {
  readonly slot: number;
  readonly idCode: number;
  readonly read: SegmentRead;
  readonly push: SegmentPush;
}

/**
 * The selectors of one rule list (an item's fields), served by a single pass over a scope's segments.
 *
 * Each selector scanning the scope for itself went over an item's segments a dozen times (an 856
 * item's eight fields try about a dozen selectors over its HL, LIN and SN1), which was most of the
 * interpreter's time. Here the rule list's selectors that read their own scope (`readsOwnScope`) are
 * registered as slots when the rules are compiled; `fill(scope)` then walks the scope's segments once,
 * in scope order, and gives each segment to the slots of its id: a first-mode slot keeps the first
 * value read (what `firstOf` returns), an all-mode slot collects every value (what `allOf` appends).
 * The compiled rules read the slots through `source`. Other selectors (`^`, `../`, loop steps,
 * envelope values) keep scanning for themselves.
 *
 * One scan serves one rule list at a time: reading is synchronous, and a rule never evaluates another
 * rule list, so the slots are filled and read within one `fields` call of the interpreter.
 */
export class ScopeScan {
  readonly source: X12SelectorSource;
  /** First-mode values by slot; undefined until a segment gives one. */
  private readonly first: (string | undefined)[] = [];
  /** All-mode values by slot. */
  private readonly all: string[][] = [];
  /**
   * By the selector's text: a selector is what its text says (`parseSelector`), and rules of one item
   * often name the same one (an 856 item's material and supplier part number both read `LIN.id(VP)`).
   */
  private readonly firstSlots = new Map<string, Slot>();
  private readonly allSlots = new Map<string, Slot>();
  private dirty = false;

  constructor() {
    this.source = {
      first: (selector) => this.firstOf(selector),
      all: (selector) => this.allOf(selector),
    };
  }

  /** Whether any selector of the rule list is served by the scan (else `fill` is not needed). */
  get used(): boolean {
    return this.firstSlots.size + this.allSlots.size > 0;
  }

  private firstOf(selector: X12Selector): X12FirstOf {
    if (!readsOwnScope(selector)) return firstOf(selector);
    const slot = this.slotOf(this.firstSlots, selector, true).slot;
    const values = this.first;
    return () => values[slot];
  }

  private allOf(selector: X12Selector): X12AllOf {
    if (!readsOwnScope(selector)) return allOf(selector);
    const slot = this.slotOf(this.allSlots, selector, false).slot;
    const lists = this.all;
    return (_scope, out) => {
      const values = lists[slot]!;
      for (let k = 0; k < values.length; k++) out.push(values[k]!);
    };
  }

  private slotOf(slots: Map<string, Slot>, selector: SegmentSelector, firstMode: boolean): Slot {
    let found = slots.get(selector.text);
    if (found === undefined) {
      const none = (): undefined => undefined;
      found = {
        slot: slots.size,
        idCode: selector.segment.idCode,
        read: firstMode ? firstRead(selector) : none,
        push: firstMode ? none : allRead(selector),
      };
      slots.set(selector.text, found);
      if (slots === this.allSlots) this.all.push([]);
      else this.first.push(undefined);
      this.dirty = true;
    }
    return found;
  }

  /**
   * The scan as straight-line code (see `fromSource`): a switch on the segment's id code, each case
   * calling its slots' readers, each reader a parameter of its own so that every call site sees one
   * function. Made once, after the rules are compiled (they register the slots).
   */
  private compile(): Fill {
    this.dirty = false;
    const byCode = new Map<number, string[]>();
    const names: string[] = [];
    const args: unknown[] = [];
    const add = (code: number, line: string): void => {
      let lines = byCode.get(code);
      if (lines === undefined) byCode.set(code, (lines = []));
      lines.push(line);
    };
    for (const { slot, idCode, read } of this.firstSlots.values()) {
      names.push(`r${slot}`);
      args.push(read);
      add(idCode, `if (first[${slot}] === undefined) first[${slot}] = r${slot}(segment, component);`);
    }
    for (const { slot, idCode, push } of this.allSlots.values()) {
      names.push(`p${slot}`);
      args.push(push);
      add(idCode, `p${slot}(segment, component, all[${slot}]);`);
    }
    let body = 'return function fill(scope, first, all) {\n';
    for (let s = 0; s < this.first.length; s++) body += `first[${s}] = undefined;\n`;
    for (let s = 0; s < this.all.length; s++) body += `if (all[${s}].length !== 0) all[${s}].length = 0;\n`;
    body +=
      'const index = scope.index, component = scope.component, homes = scope.homes;\n' +
      'const segments = index.segments, idCodes = index.idCodes, slots = index.slots, from = index.from, to = index.to;\n' +
      'for (let h = 0; h < homes.length; h++) {\n' +
      '  const home = homes[h];\n' +
      '  for (let k = from[home], end = to[home]; k < end; k++) {\n' +
      '    const i = slots[k];\n' +
      '    switch (idCodes[i]) {\n';
    for (const [code, lines] of byCode)
      body += `      case ${code}: { const segment = segments[i];\n${lines.join('\n')}\nbreak; }\n`;
    body += '    }\n  }\n}\n};';
    return fromSource<Fill>(
      names,
      body,
      args,
      () => (scope, first, all) => this.fillInLoops(scope, first, all),
    );
  }

  /**
   * Reads the scope's segments once into the slots. The last scope's values are dropped here rather
   * than after its rules ran: a few strings of the last item stay until the next, nothing more.
   */
  fill(scope: X12Scope): void {
    if (this.dirty) this.run = this.compile();
    this.run(scope, this.first, this.all);
  }

  private run: Fill = () => undefined;

  /** `fill` without generated code (where code generation from strings is disallowed). */
  private fillInLoops(scope: X12Scope, first: (string | undefined)[], all: string[][]): void {
    for (let s = 0; s < first.length; s++) first[s] = undefined;
    for (let s = 0; s < all.length; s++) if (all[s]!.length !== 0) all[s]!.length = 0;
    const { index, component, homes } = scope;
    const { segments, idCodes, slots, from, to } = index;
    for (let h = 0; h < homes.length; h++) {
      const home = homes[h]!;
      for (let k = from[home]!, end = to[home]!; k < end; k++) {
        const i = slots[k]!;
        const code = idCodes[i]!;
        const segment = segments[i]!;
        for (const { slot, idCode, read } of this.firstSlots.values())
          if (idCode === code && first[slot] === undefined) first[slot] = read(segment, component);
        for (const { slot, idCode, push } of this.allSlots.values())
          if (idCode === code) push(segment, component, all[slot]!);
      }
    }
  }
}
