export * from './erp-documents.js';
export * from './erp-errors.js';
export * from './erp-master-data.js';
export * from './erp-port.js';
export * from './stable-json.js';
