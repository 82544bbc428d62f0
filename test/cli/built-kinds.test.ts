import { describe, expect, it } from 'vitest';
import { unbuiltKinds } from '../../src/cli/config-from-cli.js';
import { validateConfig } from '../../src/config/load.js';
import { providerTargetSchema, type Config } from '../../src/config/schema.js';
import { BUILT_PROVIDER_KINDS, createBindings } from '../../src/providers/factory.js';
import { createLogger } from '../../src/util/logger.js';

const schemaKinds = providerTargetSchema.options.map((o) => o.shape.kind.value as string);
const base = validateConfig({ mesos: { masters: ['http://m1:5050'] }, groups: [{ name: 'web', selector: { pool: 'web' }, provider: { kind: 'simulated' } }] });
const withKind = (kind: string): Config => ({ ...base, groups: base.groups.map((g) => ({ ...g, provider: { kind } as Config['groups'][number]['provider'] })) });

describe('provider kinds this build can create', () => {
  it('are kinds the config schema knows', () => {
    for (const k of BUILT_PROVIDER_KINDS) expect(schemaKinds).toContain(k);
  });

  it('are exactly those createBindings does not refuse as unavailable', () => {
    for (const kind of schemaKinds.filter((k) => !(BUILT_PROVIDER_KINDS as readonly string[]).includes(k))) {
      expect(() => createBindings(withKind(kind), createLogger('silent'))).toThrow(/not available in this build/);
    }
  });

  it('decide what validate, run and plan accept, naming the field of any other', () => {
    expect(unbuiltKinds(withKind('nimbus'), 'validate')).toEqual([expect.stringMatching(/^groups\.0\.provider\.kind: "nimbus" has no provider in this build \(usable here: .*azure-vmss/)]);
    expect(unbuiltKinds(base, 'validate')).toEqual([]);
    expect(unbuiltKinds(base, 'service')).toEqual([expect.stringMatching(/^groups\.0\.provider\.kind: "simulated" only runs inside demo and simulate/)]);
  });
});
