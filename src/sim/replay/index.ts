export { replayTrace, traceEnd, type ReplayOptions, type ReplayResult } from './replay.js';
export { scenarioConfig, simGroupsFor, templateOf, GROUP_ATTRIBUTE, type ScenarioGroup, type SimGroupOptions } from './scenario.js';
export { SimAgentSource, SimDrainer, simPendingSource } from './in-process.js';
export { TraceFeeder } from './workload.js';
export { sampleCluster } from './sampler.js';
