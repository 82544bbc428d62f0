export { SimCluster, normalizeAppId, type ClusterOptions, type DrainOptions, type FrameworkSpec } from './cluster.js';
export { VirtualClock, driveRealtime, type TimerHandle } from './virtual-clock.js';
export { EventBus, type ClusterEvent, type ClusterListener } from './events.js';
export { DEFAULT_PORTS, type Range } from './ranges.js';
export { rejectSummary, rejectionCounts } from './funnel.js';
export * from './types.js';
export { modelAgent, modelAgents, modelPending, modelTask } from './model-view.js';
