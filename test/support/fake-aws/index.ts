export { startFakeAws, type FakeAws, type AwsCall, type Fault, type StartFakeAwsOptions } from './server.js';
export { FakeAwsState, privateDnsFor, type FakeAsg, type FakeInstance, type AsgSpec, type InstanceSpec } from './state.js';
