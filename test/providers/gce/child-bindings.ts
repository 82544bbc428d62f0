// Run by lazy-sdk.test.ts in a fresh process: does binding a gce-mig group load @google-cloud/compute?
import { createRequire } from 'node:module';
import { configSchema } from '../../../src/config/schema.js';
import { createBindings } from '../../../src/providers/factory.js';
import { createLogger } from '../../../src/util/logger.js';

const sdkLoaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@google-cloud/compute') || k.includes('google-gax'));
const config = configSchema.parse({
  mesos: { masters: ['http://127.0.0.1:5050'] },
  groups: [{ name: 'agents', selector: { workload: 'stateless' }, provider: { kind: 'gce-mig', project: 'mesos-test-project', zone: 'us-central1-a', name: 'agents' } }],
});
const afterImport = sdkLoaded();
const bindings = createBindings(config, createLogger('silent'));
const afterBindings = sdkLoaded();
const b = bindings.get('agents');
if (!b) throw new Error('no binding');
const state = await b.provider.describe(b.ref);
process.stdout.write(JSON.stringify({ afterImport, afterBindings, afterDescribe: sdkLoaded(), desired: state.desired }));
