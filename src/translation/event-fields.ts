import type { z } from 'zod';
import { EVENT_CATALOGUE, type EventName } from '../canonical/index.js';

/**
 * Whether a dotted path names a field of a catalogue event (`payload.lines.quantity.value`; arrays
 * are stepped through), so that a map naming a field the event does not have fails at load.
 */
export function checkEventField(event: string, path: string): string | undefined {
  const schema = EVENT_CATALOGUE[event as EventName] as z.ZodType | undefined;
  if (!schema) return `unknown event ${event}; the catalogue has ${Object.keys(EVENT_CATALOGUE).join(', ')}`;
  let nodes: z.ZodType[] = [schema];
  const keys = path.split('.');
  for (const [i, key] of keys.entries()) {
    const next: z.ZodType[] = [];
    for (const node of nodes.flatMap(objects)) {
      const shape = (node as unknown as { _zod: { def: { shape: Record<string, z.ZodType> } } })._zod.def
        .shape;
      if (Object.hasOwn(shape, key)) next.push(shape[key]!);
    }
    if (next.length === 0) return `${event} has no field ${keys.slice(0, i + 1).join('.')}`;
    nodes = next;
  }
  return undefined;
}

/** The object schemas a schema stands for, through optional, nullable, default, array, union, pipe, lazy. */
function objects(schema: z.ZodType): z.ZodType[] {
  const out: z.ZodType[] = [];
  const stack = [schema];
  let guard = 0;
  while (stack.length > 0 && guard++ < 1000) {
    const s = stack.pop()!;
    const def = (s as unknown as { _zod: { def: Record<string, any> } })._zod.def;
    switch (def.type) {
      case 'object':
        out.push(s);
        break;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'nonoptional':
        stack.push(def.innerType);
        break;
      case 'array':
        stack.push(def.element);
        break;
      case 'union':
        stack.push(...(def.options as z.ZodType[]));
        break;
      case 'pipe':
        stack.push(def.in, def.out);
        break;
      case 'lazy':
        stack.push(def.getter());
        break;
      default:
        break;
    }
  }
  return out;
}
