export { GceMigProvider, type GceMigProviderOptions } from './provider.js';
export { toProviderError, operationError } from './errors.js';
export { instanceState, toInstance, parseInstanceUrl } from './instances.js';
export { endpointParts } from './clients.js';
