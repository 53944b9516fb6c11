/**
 * A function made from generated source, for the map interpreter's hot paths: straight-line code
 * where a loop's one call site would see every rule (or selector) of every map and V8 would inline
 * none of them, and a setter per field path (named stores, where one shared store of every key was
 * megamorphic). The source holds only structure, parameter names with indexes (`f0`, `f1`, …) and
 * keys as JSON string literals; every function and value it uses is passed in as an argument, so
 * nothing a map says becomes code.
 *
 * Where code generation from strings is disallowed (`--disallow-code-generation-from-strings`, which
 * makes `new Function` throw an EvalError), or the source is more than V8 takes (a RangeError for tens
 * of thousands of parameters), `otherwise` gives the same function written as a loop.
 */
export function fromSource<F>(
  params: readonly string[],
  body: string,
  args: readonly unknown[],
  otherwise: () => F,
): F {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- names, indexes and JSON-quoted keys only
    return new Function(...params, `'use strict';\n${body}`)(...args) as F;
  } catch (error) {
    if (error instanceof EvalError || error instanceof RangeError) return otherwise();
    throw error;
  }
}
