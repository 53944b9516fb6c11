import { ExceptionCaseError, ExceptionCaseErrorCode } from './exception-case.exception.js';
import type { CursorKey } from './exception-case.repository.js';
import { checkUuid } from './exception-input.js';

// Opaque to callers, so the ordering can change without breaking their links.
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(['e1', key.negValue, key.negDays, key.createdAt, key.id])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 5 && parsed[0] === 'e1') {
      const [, negValue, negDays, createdAt, id] = parsed as [string, unknown, unknown, unknown, unknown];
      if (
        typeof negValue === 'string' &&
        /^-?\d+(\.\d+)?$/.test(negValue) &&
        Number.isSafeInteger(negDays) &&
        typeof createdAt === 'string' &&
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt) &&
        typeof id === 'string'
      ) {
        checkUuid(id, 'cursor');
        return { negValue, negDays: negDays as number, createdAt, id };
      }
    }
  } catch {
    // fall through: not one of ours
  }
  throw new ExceptionCaseError(
    ExceptionCaseErrorCode.InvalidInput,
    'exception: cursor is not one this service gave out',
  );
}
