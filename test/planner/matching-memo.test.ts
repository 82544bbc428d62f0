import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/model/agent.js';
import { identityAgent } from '../support/builders.js';
import { InstanceIndex, matchAgents, type GroupMatching } from '../../src/model/machine.js';
import { MatchingMemo } from '../../src/model/matching-memo.js';
import type { Instance } from '../../src/model/node-group.js';

// Few names and IPs, so lists often clash: ambiguous names, shared IPs, IP-only hostnames.
const HOSTNAMES = ['a1', 'A1.example.com', 'a1.other', 'b2', 'b2.example.com', '10.0.0.1', 'fe80::1'];
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];

interface Ident {
  readonly hostname: string;
  readonly ip: string | undefined;
}
const ident = fc.record({ hostname: fc.constantFrom(...HOSTNAMES), ip: fc.option(fc.constantFrom(...IPS), { nil: undefined }) });
const instIdent = fc.record({ hostname: fc.option(fc.constantFrom(...HOSTNAMES), { nil: undefined }), ip: fc.option(fc.constantFrom(...IPS), { nil: undefined }) });

function agentOf(i: number, x: Ident, cycle: number): Agent {
  return identityAgent(`S${i}`, x.hostname, x.ip, { cycle: String(cycle) });
}

function instanceOf(i: number, x: { hostname: string | undefined; ip: string | undefined }, cycle: number): Instance {
  return { id: `i-${i}`, ...(x.hostname !== undefined ? { hostname: x.hostname } : {}), ...(x.ip !== undefined ? { privateIp: x.ip } : {}), state: cycle % 2 === 0 ? 'running' : 'creating' };
}

/** The matching with the objects it points to, so a stale object from an earlier cycle shows. */
function dump(m: GroupMatching): unknown {
  return {
    byAgent: [...m.byAgent].map(([id, i]) => [id, i]),
    byInstance: [...m.byInstance].map(([id, a]) => [id, a]),
    unmatched: [...m.unmatched],
  };
}

describe('MatchingMemo', () => {
  it('answers as matchAgents does, with this cycle objects, whether identities changed or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ agents: fc.array(ident, { maxLength: 6 }), instances: fc.array(instIdent, { maxLength: 6 }), repeat: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 6 }),
        (cycles) => {
          const memo = new MatchingMemo();
          let n = 0;
          for (const c of cycles) {
            // The same identities several cycles in a row, as new objects each time (as the controller reads them).
            for (let r = 0; r < c.repeat; r++, n++) {
              const agents = c.agents.map((x, i) => agentOf(i, x, n));
              const instances = c.instances.map((x, i) => instanceOf(i, x, n));
              const fresh = new InstanceIndex(instances);
              const index = memo.index(instances);
              const memoised = memo.match(agents, index);
              expect(dump(memoised)).toEqual(dump(matchAgents(agents, fresh)));
              for (const [id, inst] of memoised.byAgent) {
                expect(instances).toContain(inst);
                expect(agents.find((a) => a.id === id)).toBeDefined();
              }
              for (const a of memoised.byInstance.values()) expect(agents).toContain(a);
              for (const x of [...c.agents, ...c.instances]) {
                const host = { ...(x.hostname !== undefined ? { hostname: x.hostname } : {}), ...(x.ip !== undefined ? { ip: x.ip } : {}) };
                expect(index.lookup(host)).toEqual(fresh.lookup(host));
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches again when an identity changes, keeps the matching when only other fields do', () => {
    const memo = new MatchingMemo();
    const x = { hostname: 'a1', ip: '10.0.0.1' };
    const first = memo.match([agentOf(0, x, 0)], memo.index([instanceOf(0, x, 0)]));
    expect(first.byAgent.get('S0')?.id).toBe('i-0');
    // Same identities, other state: the same answer on the new objects.
    const instances = [instanceOf(0, x, 1)];
    const again = memo.match([agentOf(0, x, 1)], memo.index(instances));
    expect(again.byAgent.get('S0')).toBe(instances[0]);
    // The instance's IP moves away from the agent's: matched by name no more, since the IPs disagree.
    const moved = memo.match([agentOf(0, x, 2)], memo.index([instanceOf(0, { hostname: 'a1', ip: '10.0.0.2' }, 2)]));
    expect(moved.byAgent.size).toBe(0);
    expect(moved.unmatched.get('S0')).toBe('no cloud instance of the group matches it');
  });
});
