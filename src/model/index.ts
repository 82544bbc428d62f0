export * from './resources.js';
export * from './agent.js';
export * from './pending.js';
export * from './node-group.js';
export * from './snapshot.js';
export * from './plan.js';
export * from './machine.js';
export * from './drain.js';
