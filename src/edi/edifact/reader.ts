import { EdiError } from '../core/edi-error.js';
import {
  EdifactEnvelopeValidator,
  type EdifactEnvelopeHandler,
  type EdifactValidatorOptions,
} from './envelope-validator.js';
import type { EdifactValidationResult } from './result.js';
import type { EdifactSegment } from './segment.js';
import { EdifactTokenizer, type EdifactTokenizerOptions } from './tokenizer.js';

export type EdifactReaderOptions = EdifactTokenizerOptions & EdifactValidatorOptions;

/**
 * The streaming entry point: bytes in, envelope-aware events out, a validation result at the end.
 *
 * ```ts
 * const reader = new EdifactReader({ segment: (seg, ctx) => { if (ctx.message) use(seg.id, seg.value(1)); } });
 * for await (const chunk of stream) reader.write(chunk);
 * const result = reader.end(); // interchanges → groups → messages, every finding with its 0085 code
 * ```
 */
export class EdifactReader {
  private readonly tokenizer: EdifactTokenizer;
  private readonly validator: EdifactEnvelopeValidator;
  private result: EdifactValidationResult | undefined;

  constructor(handler: EdifactEnvelopeHandler = {}, options: EdifactReaderOptions = {}) {
    this.validator = new EdifactEnvelopeValidator(handler, options);
    this.tokenizer = new EdifactTokenizer(this.validator, options);
  }

  write(chunk: Uint8Array): void {
    if (this.result) throw new EdiError('STREAM_ENDED', 'write() after end()');
    this.tokenizer.write(chunk);
  }

  end(): EdifactValidationResult {
    if (this.result) return this.result;
    this.tokenizer.end();
    this.result = this.validator.finish(this.tokenizer.stats);
    return this.result;
  }
}

/** The bytes the readers read: text given as a string is encoded as UTF-8 (UNOY), bytes taken as they are. */
export function edifactBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

/** Reads a whole buffer (or string). */
export function readEdifact(
  input: Uint8Array | string,
  handler: EdifactEnvelopeHandler = {},
  options: EdifactReaderOptions = {},
): EdifactValidationResult {
  const reader = new EdifactReader(handler, options);
  reader.write(edifactBytes(input));
  return reader.end();
}

/** Reads a stream of chunks (a Node readable, a web stream's async iterator, …). */
export async function readEdifactStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  handler: EdifactEnvelopeHandler = {},
  options: EdifactReaderOptions = {},
): Promise<EdifactValidationResult> {
  const reader = new EdifactReader(handler, options);
  for await (const chunk of source) reader.write(chunk);
  return reader.end();
}

/** Validation only: no value is decoded except the envelope fields. */
export function validateEdifact(
  input: Uint8Array | string,
  options: EdifactReaderOptions = {},
): EdifactValidationResult {
  return readEdifact(input, {}, options);
}

/** Convenience for small inputs and tests: every segment materialized, plus the validation result. */
export function parseEdifact(
  input: Uint8Array | string,
  options: EdifactReaderOptions = {},
): { segments: EdifactSegment[]; result: EdifactValidationResult } {
  const segments: EdifactSegment[] = [];
  const result = readEdifact(input, { segment: (view) => segments.push(view.toSegment()) }, options);
  return { segments, result };
}
