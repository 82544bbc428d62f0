export * from './report.js';
export * from './build.js';
export * from './table.js';
export * from './json.js';
export * from './svg.js';
export * from './progress.js';
export * from './definitions.js';
export * from './headline.js';
