import type { EdifactMessageStructure } from '../directories/directory-loader.js';
import type { EdifactConstituent } from '../directories/directory.types.js';
import { checkSegmentElements } from '../directories/element-checks.js';
import { COMPONENT_MARK } from '../x12-shared.js';
import { EdifactGenerationError } from './generation-error.js';

/** `value` in pieces of at most `max` characters (code points), the last one holding what is left. */
function pieces(value: string, max: number, count: number): string[] {
  const chars = [...value];
  const out: string[] = [];
  for (let i = 0; i < count && i * max < chars.length; i++)
    out.push(chars.slice(i * max, i === count - 1 ? undefined : (i + 1) * max).join(''));
  return out;
}

/**
 * Free text longer than its component continues in the empty components of the same element that
 * follow it, where the directory repeats it for that purpose (C108: five 4440, C273: two 7008). What
 * still does not fit stays in the last one and the element check refuses it.
 */
function splitFreeText(value: string, element: EdifactConstituent): string {
  const defs = element.components;
  if (!defs) return value;
  const parts = value.split(COMPONENT_MARK);
  for (let k = 0; k < parts.length; k++) {
    const def = defs[k];
    const max = def?.format?.max;
    if (!def || max === undefined || def.format!.decimal || [...parts[k]!].length <= max) continue;
    let room = 1;
    while (defs[k + room]?.ref === def.ref && !parts[k + room]) room++;
    if (room === 1) continue;
    const split = pieces(parts[k]!, max, room);
    parts.splice(k, split.length, ...split);
  }
  return parts.join(COMPONENT_MARK);
}

/**
 * Checks every body row against the message's directory (ISO 9735-1 §10 and the UNTDID formats): a
 * value longer or shorter than its element allows, digits where `n` is not met, a mandatory element
 * left empty, a code outside a list the directory checks. Refused as `VALUE_INVALID` naming the
 * segment, the element and the value: a partner's translator rejects the whole message for any of
 * these (CONTRL 0085 39, 40, 37, 13, 12), so nothing of it is sent. Free text is first split over the
 * repeated components the standard gives it.
 */
export function checkAgainstDirectory(
  rows: readonly (readonly string[])[],
  structure: EdifactMessageStructure,
  decimalMark: string,
  name: string,
): string[][] {
  return rows.map((row) => {
    const tag = row[0]!;
    const def = structure.segments.get(tag);
    if (!def) return [...row];
    const values = row.map((v, e) => {
      const element = e === 0 ? undefined : def.elements[e - 1];
      return element ? splitFreeText(v, element) : v;
    });
    const elements = values.map((v) => [v.split(COMPONENT_MARK)]);
    const [first] = checkSegmentElements(def, elements, decimalMark);
    if (first) {
      const k = first.componentPosition;
      const value = elements[first.elementPosition]?.[0]?.[k === undefined ? 0 : k - 1] ?? '';
      throw new EdifactGenerationError('VALUE_INVALID', `${name}: ${first.message} ("${value}")`);
    }
    return values;
  });
}
