// The server's public surface, for the CLI and controller wiring.
export type { AutoscalerHandle, StatusView, SourcesView, SourceView, GroupStatus, GroupPlanView, HistoryPoint, InFlightOperation, StatusEvent, CycleSummary, EventLevel } from './handle.js';
export { StatusStore, createHandle, type GroupInfo, type StatusStoreOptions, type HandleParts } from './status-store.js';
export { Metrics, METRIC_PREFIX, type MetricsOptions } from './metrics.js';
export { HttpServer, serverOptionsFromConfig, DEFAULT_HOST, DEFAULT_PORT, type HttpServerOptions } from './http-server.js';
export { collectSecrets } from './secrets.js';
export { logLeadership, type LeadershipEvents } from './leader-events.js';
export { readFigures, type FigureReadings } from './figures.js';
