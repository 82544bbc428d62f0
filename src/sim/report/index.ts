export * from './report.js';
export * from './table.js';
export * from './json.js';
export * from './svg.js';
export * from './progress.js';
