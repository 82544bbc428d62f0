export { ExecProvider, type ExecProviderOptions, type ExecSettings } from './provider.js';
export { describeOutputSchema, errorOutputSchema, parseDescribe, parseError } from './output.js';
export { runCommand, type RunResult, type RunOptions } from './run.js';
