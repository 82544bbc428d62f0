export * from './task.js';
export * from './constraints.js';
export * from './csv.js';
export * from './generator.js';
export * from './google2011.js';
export * from './alibaba2018.js';
export * from './alibaba2023.js';
export * from './demand.js';
export { formatRowError, type RowError } from './csv-rows.js';
