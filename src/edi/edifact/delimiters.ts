/**
 * Service characters of one EDIFACT interchange (ISO 9735 §7 / part 1 §4): from the UNA service string
 * advice when present, otherwise the defaults of syntax level A. Each is a single ASCII byte.
 */
export interface EdifactDelimiters {
  /** UNA1, default ":". */
  readonly component: string;
  /** UNA2, default "+". */
  readonly element: string;
  /** UNA3, "." or ","; only meaningful for numeric values, never used to split. */
  readonly decimalMark: string;
  /** UNA4, default "?"; `undefined` when the UNA gives a space (no release character). */
  readonly release: string | undefined;
  /**
   * UNA5: the repetition separator from syntax version 4 on ("*" by default there); `undefined` when the
   * UNA gives a space (reserved in versions 1–3) or when a version 1–3 interchange has no UNA.
   */
  readonly repetition: string | undefined;
  /** UNA6, default "'". */
  readonly segment: string;
}

/** `:+.? '` — the defaults when an interchange has no UNA (syntax versions 1–3). */
export const DEFAULT_EDIFACT_DELIMITERS: EdifactDelimiters = Object.freeze({
  component: ':',
  element: '+',
  decimalMark: '.',
  release: '?',
  repetition: undefined,
  segment: "'",
});

/** The syntax-4 defaults without a UNA: as version 3, plus "*" as repetition separator. */
export const DEFAULT_EDIFACT_DELIMITERS_V4: EdifactDelimiters = Object.freeze({
  ...DEFAULT_EDIFACT_DELIMITERS,
  repetition: '*',
});

export type UnaProblem = { readonly position: number; readonly reason: string };

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * Reads the six characters after "UNA". Returns the delimiters, or the first problem that makes them
 * unusable for splitting: a non-ASCII byte, a letter or digit, a space where a separator is required,
 * or two splitting characters that are the same.
 */
export function parseServiceStringAdvice(
  six: Uint8Array,
): { ok: true; delimiters: EdifactDelimiters } | { ok: false; problem: UnaProblem } {
  if (six.length !== 6)
    return { ok: false, problem: { position: six.length + 1, reason: 'UNA is too short' } };
  for (let k = 0; k < 6; k++) {
    const b = six[k]!;
    if (b >= 0x80) return { ok: false, problem: { position: k + 1, reason: 'not a single-byte character' } };
    if (k !== 2 && isAlnum(b)) {
      return { ok: false, problem: { position: k + 1, reason: 'a letter or digit cannot be a separator' } };
    }
  }
  const [component, element, decimal, release, repetition, segment] = six as unknown as number[];
  for (const [pos, b] of [
    [1, component],
    [2, element],
    [6, segment],
  ] as const) {
    if (b === 0x20) return { ok: false, problem: { position: pos, reason: 'a space cannot be a separator' } };
  }
  const splitting: [number, number][] = [
    [1, component!],
    [2, element!],
    [6, segment!],
  ];
  if (release !== 0x20) splitting.push([4, release!]);
  if (repetition !== 0x20) splitting.push([5, repetition!]);
  for (let a = 0; a < splitting.length; a++) {
    for (let b = a + 1; b < splitting.length; b++) {
      if (splitting[a]![1] === splitting[b]![1]) {
        return {
          ok: false,
          problem: {
            position: splitting[b]![0],
            reason: `same character as UNA position ${splitting[a]![0]}`,
          },
        };
      }
    }
  }
  const ch = (b: number): string => String.fromCharCode(b);
  return {
    ok: true,
    delimiters: Object.freeze({
      component: ch(component!),
      element: ch(element!),
      decimalMark: ch(decimal!),
      release: release === 0x20 ? undefined : ch(release!),
      repetition: repetition === 0x20 ? undefined : ch(repetition!),
      segment: ch(segment!),
    }),
  };
}
