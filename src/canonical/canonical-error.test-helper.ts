import { expect } from 'vitest';
import { CanonicalError } from './canonical.exception.js';

/** The CanonicalError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): CanonicalError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CanonicalError);
    return error as CanonicalError;
  }
  throw new Error('expected a CanonicalError, nothing was thrown');
}
