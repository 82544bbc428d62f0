// The zk:// URL rule lives in config/zk-url.ts (one home: the schema and the election use it).
export { DEFAULT_ELECTION_PATH, parseZkUrl, type ZkTarget } from '../config/zk-url.js';
