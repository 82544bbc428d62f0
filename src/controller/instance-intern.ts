import type { Instance, NodeGroupState } from '../model/node-group.js';

/** How far from its expected position an instance of the last listing is looked for. */
const LOOKAHEAD = 32;

/**
 * Hands out last cycle's Instance object for an instance whose fields did not change. A cloud's
 * listing is parsed anew every cycle, so the same instances arrive as new objects; the planner
 * follows lists by object identity (src/util/identity-diff.ts), and with new objects every
 * agent's match would be worked out again each cycle (at 50,000 instances, most of a warm
 * cycle). Instances are flat records of strings and numbers, so equal fields mean the same value
 * (a field added to Instance must be compared in `sameFields`). Clouds list a group's instances
 * in a stable order, so the last listing is walked alongside the new one (a look-up by id per
 * instance was 20-30 ms a cycle at 50,000); an instance found nowhere near is handed out as
 * listed, which is always correct.
 */
export class InstanceIntern {
  readonly #last = new Map<string, readonly Instance[]>();

  intern(group: string, state: NodeGroupState): NodeGroupState {
    const last = this.#last.get(group) ?? [];
    const listed = state.instances;
    const out = new Array<Instance>(listed.length);
    let reused = 0;
    let m = 0;
    for (let n = 0; n < listed.length; n++) {
      const i = listed[n] as Instance;
      let k = -1;
      for (let j = m; j < last.length && j < m + LOOKAHEAD; j++) {
        if ((last[j] as Instance).id === i.id) {
          k = j;
          break;
        }
      }
      const old = k < 0 ? undefined : (last[k] as Instance);
      if (old !== undefined) m = k + 1;
      if (old !== undefined && sameFields(old, i)) {
        out[n] = old;
        reused++;
      } else out[n] = i;
    }
    this.#last.set(group, out);
    return reused === 0 ? state : { ...state, instances: out };
  }
}

/** The same values in every field an Instance declares (model/node-group.ts). */
function sameFields(a: Instance, b: Instance): boolean {
  return a.id === b.id && a.hostname === b.hostname && a.privateIp === b.privateIp && a.state === b.state && a.createdAt === b.createdAt;
}
