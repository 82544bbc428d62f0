export { startFakeOpenStack, PROJECT_ID, type FakeOpenStack, type StartFakeOpenStackOptions, type RecordedOsRequest, type FakeKeystoneUsers } from './server.js';
export { FakeHeatStack, type FakeStackInput, type FakeMember, type FakeServer } from './state.js';
