export { AzureVmssProvider, type AzureVmssProviderOptions } from './provider.js';
export { createCredential, credentialKindFor, type AzureSettings, type CredentialKind, type ChosenCredential } from './credential.js';
export { toProviderError, sanitize } from './errors.js';
export { instanceState, toInstance, privateIpsFromNics } from './instances.js';
