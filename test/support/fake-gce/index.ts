export { startFakeGce, COMPUTE_BASE, type FakeGce, type StartFakeGceOptions, type RecordedGceRequest } from './server.js';
export { FakeGceState, DEFAULT_PROJECT, type FakeMig, type FakeMigInput, type FakeGceInstance } from './state.js';
export { createTestServiceAccount, checkSelfSignedJwt, type TestServiceAccount, type JwtClaims } from './credentials.js';
