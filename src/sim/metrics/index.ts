export * from './series.js';
export * from './percentile.js';
export * from './cost.js';
export * from './waits.js';
export * from './elasticity.js';
export * from './packing.js';
export * from './oracle.js';
export * from './figures.js';
