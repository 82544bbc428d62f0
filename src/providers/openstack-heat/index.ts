export { OpenStackHeatProvider, type OpenStackHeatProviderOptions } from './provider.js';
export { openStackAuthFromEnv, type OpenStackAuth } from './env.js';
export { authBody } from './keystone.js';
export { groupMembers, memberState, privateIpOf, toInstance } from './members.js';
export { kindForStatus, openStackErrorText } from './errors.js';
