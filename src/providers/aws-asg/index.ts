export { AwsAsgProvider, type AwsAsgProviderOptions, type AwsSettings } from './provider.js';
export { toProviderError } from './errors.js';
export { lifecycleState, toInstance, ec2DetailsById } from './instances.js';
