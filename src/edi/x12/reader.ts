import { EdiError } from '../core/edi-error.js';
import {
  X12EnvelopeValidator,
  type X12EnvelopeHandler,
  type X12ValidatorOptions,
} from './envelope-validator.js';
import type { X12ValidationResult } from './result.js';
import type { X12Segment } from './segment.js';
import { X12Tokenizer, type X12TokenizerOptions } from './tokenizer.js';

export type X12ReaderOptions = X12TokenizerOptions & X12ValidatorOptions;

/**
 * The streaming entry point: bytes in, envelope-aware events out, a validation result at the end.
 *
 * ```ts
 * const reader = new X12Reader({ segment: (seg, ctx) => { if (ctx.set) use(seg.id, seg.element(1)); } });
 * for await (const chunk of stream) reader.write(chunk);
 * const result = reader.end(); // interchanges → groups → sets, every issue with its code and position
 * ```
 */
export class X12Reader {
  private readonly tokenizer: X12Tokenizer;
  private readonly validator: X12EnvelopeValidator;
  private result: X12ValidationResult | undefined;

  constructor(handler: X12EnvelopeHandler = {}, options: X12ReaderOptions = {}) {
    this.validator = new X12EnvelopeValidator(handler, options);
    this.tokenizer = new X12Tokenizer(this.validator, options);
  }

  write(chunk: Uint8Array): void {
    if (this.result) throw new EdiError('STREAM_ENDED', 'write() after end()');
    this.tokenizer.write(chunk);
  }

  end(): X12ValidationResult {
    if (this.result) return this.result;
    this.tokenizer.end();
    this.result = this.validator.finish(this.tokenizer.stats);
    return this.result;
  }
}

function toBytes(input: Uint8Array | string): Uint8Array {
  // Text is taken as Latin-1 so that every char maps to one byte and offsets stay byte offsets.
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
}

/** Reads a whole buffer (or Latin-1 string). */
export function readX12(
  input: Uint8Array | string,
  handler: X12EnvelopeHandler = {},
  options: X12ReaderOptions = {},
): X12ValidationResult {
  const reader = new X12Reader(handler, options);
  reader.write(toBytes(input));
  return reader.end();
}

/** Reads a stream of chunks (a Node readable, a web stream's async iterator, …). */
export async function readX12Stream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  handler: X12EnvelopeHandler = {},
  options: X12ReaderOptions = {},
): Promise<X12ValidationResult> {
  const reader = new X12Reader(handler, options);
  for await (const chunk of source) reader.write(chunk);
  return reader.end();
}

/** Validation only: no value is decoded except the envelope fields. */
export function validateX12(input: Uint8Array | string, options: X12ReaderOptions = {}): X12ValidationResult {
  return readX12(input, {}, options);
}

/** Convenience for small inputs and tests: every segment materialized, plus the validation result. */
export function parseX12(
  input: Uint8Array | string,
  options: X12ReaderOptions = {},
): { segments: X12Segment[]; result: X12ValidationResult } {
  const segments: X12Segment[] = [];
  const result = readX12(input, { segment: (view) => segments.push(view.toSegment()) }, options);
  return { segments, result };
}
