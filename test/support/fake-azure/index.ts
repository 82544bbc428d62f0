export { startFakeAzure, type FakeAzure, type StartFakeAzureOptions, type RecordedRequest, type FaultTarget } from './server.js';
export { FakeAzureState, type FakeVm, type FakeVmss, type FakeVmInput, type FakeVmssInput, type FakeProvisioningState } from './state.js';
export type { FakeServicePrincipal, TokenRequestRecord } from './identity.js';
