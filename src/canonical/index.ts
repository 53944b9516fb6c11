/**
 * The canonical model: exact decimals, UN/ECE Rec 20 units and the versioned event catalogue. Framework-
 * free and I/O-free, like src/edi: it imports nothing from Nest, TypeORM or the rest of src/.
 */
export { CanonicalError, CanonicalErrorCode } from './canonical.exception.js';
export * from './decimal.js';
export * from './units.js';
export * from './events/index.js';
