import { isStorableText } from '../../canonical/events/values.js';

/**
 * JSON text PostgreSQL's json/jsonb input accepts. It refuses two escapes JavaScript strings can
 * hold: `\u0000` (22P05, "unsupported Unicode escape sequence") and an unpaired surrogate (22P02:
 * a high surrogate must be followed by a low one, and a low one preceded by a high one).
 * `JSON.stringify` writes a lone surrogate as such an escape and a NUL as `\u0000`; a text that
 * came from outside may hold them in upper or lower case, paired or not.
 *
 * One pass over the escapes, left to right, so that an escaped backslash (`\\u0000` is the six
 * characters `\u0000`, not a NUL) is never read as the start of another escape.
 */
const ESCAPE =
  /\\(?:u([dD][89abAB][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?|u[dD][c-fC-F][0-9a-fA-F]{2}|u0000|[^u])/g;

const REPLACEMENT = '\\ufffd';

/** The JSON text with every escape PostgreSQL refuses replaced by U+FFFD (the rest unchanged). */
export function storableJsonText(json: string): string {
  // Most texts have no `\u` escape at all: no regular expression, no copy.
  if (!json.includes('\\u')) return json;
  return json.replace(ESCAPE, (match: string, high?: string, low?: string) => {
    if (match.length === 2) return match; // `\\`, `\"`, `\n`…: kept, and the scan stays aligned
    if (high !== undefined && low !== undefined) return match; // a surrogate pair
    return REPLACEMENT;
  });
}

/** Whether the JSON text holds an escape PostgreSQL refuses (see `storableJsonText`). */
export function hasUnstorableEscape(json: string): boolean {
  return storableJsonText(json) !== json;
}

/**
 * A value as JSON text PostgreSQL accepts: U+0000 and unpaired surrogates, in keys and values,
 * become U+FFFD. For what is kept for diagnosis (a refused body as received), not for data whose
 * every character matters: that is refused before it gets here.
 */
export function storableJson(value: unknown): string {
  return storableJsonText(JSON.stringify(value) ?? 'null');
}

/** A JSON value with every string as PostgreSQL's jsonb accepts it (see `storableJson`). */
export function storableValue<T>(value: T): T {
  return JSON.parse(storableJson(value)) as T;
}

/**
 * Text as a text column can hold it: U+0000 (refused, SQLSTATE 22021) and unpaired surrogates
 * (which the driver's UTF-8 encoding would turn into U+FFFD anyway) become U+FFFD. For diagnostic
 * text that quotes what a sender sent (a status detail naming a sender id).
 */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.toWellFormed().replaceAll('\0', '\ufffd');
}

/**
 * Whether an error is PostgreSQL's "data exception" (SQLSTATE class 22: a value the database refuses,
 * such as U+0000 in text or jsonb, an unpaired surrogate in jsonb, a number out of range): a fault
 * of the data, never of the database, so the data is refused rather than retried.
 */
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && code.startsWith('22');
}
