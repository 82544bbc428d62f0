import type { Config } from '../config/schema.js';
import type { Bindings, GroupBinding } from '../controller/bindings.js';
import type { Logger } from '../util/logger.js';
import { secretsIn } from '../util/secret.js';
import { AwsAsgProvider } from './aws-asg/index.js';
import { ExecProvider } from './exec/index.js';
import { GceMigProvider } from './gce-mig/index.js';
import { OpenStackHeatProvider } from './openstack-heat/index.js';
import { lazyProvider } from './lazy.js';
import type { NodeGroupProvider } from './provider.js';

/**
 * Provider kinds `createBindings` can create in this build; `validate` and `run` refuse
 * other kinds with exit 2, naming the field. Add a kind here with its case below
 * (test/cli/built-kinds.test.ts checks that the two agree).
 */
export const BUILT_PROVIDER_KINDS: readonly Config['groups'][number]['provider']['kind'][] = ['azure-vmss', 'aws-asg', 'exec', 'gce-mig', 'openstack-heat', 'simulated'];

/**
 * One provider instance per cloud account, one binding per node group. The
 * simulated provider is bound by the demo and the simulator, which own the
 * simulated cluster; `extra` lets them pass it in.
 */
export function createBindings(config: Config, logger: Logger, extra: { simulated?: NodeGroupProvider } = {}): Bindings {
  // The Azure SDK loads on the provider's first call, through lazyProvider.
  let azure: NodeGroupProvider | undefined;
  // The AWS SDK is imported by the provider on its first call, not here.
  let aws: AwsAsgProvider | undefined;
  // @google-cloud/compute likewise; the OpenStack client needs no SDK.
  let gce: GceMigProvider | undefined;
  let openstack: OpenStackHeatProvider | undefined;
  const bindings = new Map<string, GroupBinding>();
  for (const g of config.groups) {
    const p = g.provider;
    const kind: string = p.kind;
    switch (p.kind) {
      case 'azure-vmss': {
        if (!config.azure) throw new Error(`group ${g.name}: azure settings missing`);
        // Its errors are scrubbed of every configured secret, not only its own.
        const settings = config.azure;
        azure ??= lazyProvider('azure-vmss', async () => {
          const { AzureVmssProvider } = await import('./azure-vmss/index.js');
          return new AzureVmssProvider(settings, logger, { secrets: secretsIn(config) });
        });
        const resourceGroup = p.resourceGroup ?? config.azure.resourceGroup ?? '';
        bindings.set(g.name, { provider: azure, ref: { name: g.name, target: { resourceGroup, vmssName: p.vmssName } } });
        break;
      }
      case 'aws-asg': {
        aws ??= new AwsAsgProvider(config.aws, logger);
        const region = p.region ?? config.aws?.region;
        bindings.set(g.name, { provider: aws, ref: { name: g.name, target: { asgName: p.asgName, ...(region ? { region } : {}) } } });
        break;
      }
      case 'exec': {
        // One provider per group: each has its own command and settings.
        const provider = new ExecProvider({ command: p.command, timeoutSeconds: p.timeoutSeconds, settings: p.settings }, logger);
        // The command stays inside the provider: a command line may carry a credential.
        bindings.set(g.name, { provider, ref: { name: g.name, target: {} } });
        break;
      }
      case 'gce-mig': {
        gce ??= new GceMigProvider(config.gce ?? {}, logger);
        const where: Record<string, string> = p.zone ? { zone: p.zone } : { region: p.region ?? '' };
        bindings.set(g.name, { provider: gce, ref: { name: g.name, target: { project: p.project, name: p.name, ...where } } });
        break;
      }
      case 'openstack-heat': {
        openstack ??= new OpenStackHeatProvider(logger);
        const target = { stack: p.stack, resource: p.resource, countParameter: p.countParameter, removalPolicyParameter: p.removalPolicyParameter };
        bindings.set(g.name, { provider: openstack, ref: { name: g.name, target } });
        break;
      }
      case 'simulated': {
        if (!extra.simulated) throw new Error(`group ${g.name}: the simulated provider only runs inside demo and simulate`);
        bindings.set(g.name, { provider: extra.simulated, ref: { name: g.name, target: { name: p.name ?? g.name } } });
        break;
      }
      default:
        throw new Error(`group ${g.name}: provider ${kind} is not available in this build`);
    }
  }
  return bindings;
}
