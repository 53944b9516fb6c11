/** Moved to the shared core (the EDIFACT engine checks the same date and time forms). */
export { isValidGroupDate, isValidTime, isValidYymmdd } from '../core/date-time.js';
