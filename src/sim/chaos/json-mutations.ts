import { isRecord } from '../emulator/http-util.js';

/**
 * Edits of a master's JSON answer, for the chaos proxy: a master right after failover (only the
 * agents that re-registered, and only their tasks), and impossible data (more allocated than the
 * agent has, a negative amount, a task on an agent nobody lists). They work on v1 (GET_STATE,
 * GET_AGENTS) and classic (/master/state, /master/slaves) shapes alike.
 */

/** The agent id of an agent object (v1 `agent_info.id.value`, classic `id` next to `pid`). */
function agentIdOf(v: Record<string, unknown>): string | undefined {
  const info = v['agent_info'];
  if (isRecord(info) && isRecord(info['id']) && typeof info['id']['value'] === 'string') return info['id']['value'];
  if (typeof v['id'] === 'string' && typeof v['pid'] === 'string' && typeof v['hostname'] === 'string') return v['id'];
  return undefined;
}

/** The agent a task object runs on (v1 `agent_id.value`, classic `slave_id`). */
function taskAgentOf(v: Record<string, unknown>): string | undefined {
  const id = v['agent_id'];
  if (isRecord(id) && typeof id['value'] === 'string' && (v['task_id'] !== undefined || v['state'] !== undefined)) return id['value'];
  if (typeof v['slave_id'] === 'string' && typeof v['state'] === 'string') return v['slave_id'];
  return undefined;
}

function walk(v: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (isRecord(v)) {
    visit(v);
    for (const x of Object.values(v)) walk(x, visit);
  }
}

/** Drops the agents `keep` refuses, and every task on them, from every list in the answer. */
export function onlyAgents(json: unknown, keep: (agentId: string) => boolean): unknown {
  if (Array.isArray(json)) {
    return json
      .filter((x) => {
        if (!isRecord(x)) return true;
        const a = agentIdOf(x) ?? taskAgentOf(x);
        return a === undefined || keep(a);
      })
      .map((x) => onlyAgents(x, keep));
  }
  if (isRecord(json)) return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, onlyAgents(v, keep)]));
  return json;
}

/** Makes the answer impossible in one of three ways (chosen by `which`); true when something was changed. */
export function makeImpossible(json: unknown, which: number): boolean {
  let done = false;
  walk(json, (o) => {
    if (done) return;
    if (which % 3 === 2) {
      const id = o['agent_id'];
      if (isRecord(id) && typeof id['value'] === 'string' && o['task_id'] !== undefined) {
        id['value'] = 'ffffffff-ffff-4fff-8fff-ffffffffffff-S999';
        done = true;
      } else if (typeof o['slave_id'] === 'string' && typeof o['state'] === 'string') {
        o['slave_id'] = 'ffffffff-ffff-4fff-8fff-ffffffffffff-S999';
        done = true;
      }
      return;
    }
    const name = which % 3 === 0 ? 'cpus' : 'mem';
    const value = which % 3 === 0 ? 400 : -512;
    for (const key of ['allocated_resources', 'used_resources']) {
      const res = o[key];
      if (Array.isArray(res)) {
        for (const r of res) {
          if (isRecord(r) && r['name'] === name && isRecord(r['scalar'])) {
            r['scalar']['value'] = value;
            done = true;
          }
        }
      } else if (isRecord(res) && typeof res[name] === 'number') {
        res[name] = value;
        done = true;
      }
    }
  });
  return done;
}
