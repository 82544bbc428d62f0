export { startEmulatedCluster, type EmulatedCluster, type EmulatedClusterOptions } from './start.js';
export { startMasterServer, recordIo, type MasterServer, type MasterServerOptions } from './master-server.js';
export { startMarathonServer, type MarathonServer, type MarathonServerOptions } from './marathon-server.js';
export type { EmulatorAuth, EmulatorFaults } from './http-util.js';
