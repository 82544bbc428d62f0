import { performance } from 'node:perf_hooks';
import type { NodeGroupProvider } from '../providers/provider.js';
import type { Bindings, GroupBinding } from './bindings.js';
import type { AgentSource, PendingSource } from './ports.js';

/** Where the durations of Mesos, Marathon and cloud calls go (the service's metrics). */
export interface CallTimer {
  observeMesos(endpoint: string, seconds: number): void;
  observeMarathon(endpoint: string, seconds: number): void;
  observeCloud(provider: string, operation: string, seconds: number): void;
}

async function timed<T>(fn: () => Promise<T>, observe: (seconds: number) => void): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    observe((performance.now() - started) / 1000);
  }
}

/** Each provider call timed; one decorator per provider instance. */
export function timedBindings(bindings: Bindings, timer: CallTimer): Bindings {
  const wrapped = new Map<NodeGroupProvider, NodeGroupProvider>();
  const out = new Map<string, GroupBinding>();
  for (const [name, b] of bindings) {
    let p = wrapped.get(b.provider);
    if (!p) {
      const inner = b.provider;
      const obs = (op: string) => (s: number) => timer.observeCloud(inner.kind, op, s);
      p = {
        kind: inner.kind,
        describe: (g) => timed(() => inner.describe(g), obs('describe')),
        setDesiredSize: (g, size) => timed(() => inner.setDesiredSize(g, size), obs('setDesiredSize')),
        deleteInstances: (g, ids) => timed(() => inner.deleteInstances(g, ids), obs('deleteInstances')),
      };
      wrapped.set(inner, p);
    }
    out.set(name, { provider: p, ref: b.ref });
  }
  return out;
}

export function timedAgents(source: AgentSource, timer: CallTimer): AgentSource {
  return { getAgents: () => timed(() => source.getAgents(), (s) => timer.observeMesos('agents', s)) };
}

export function timedPending(source: PendingSource, timer: CallTimer): PendingSource {
  return { getQueue: () => timed(() => source.getQueue(), (s) => timer.observeMarathon('queue', s)) };
}
