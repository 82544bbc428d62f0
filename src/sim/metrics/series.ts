/**
 * What the replay records. Times are ms from trace start. Sample i holds from its time
 * until the next sample's; the last one until the end of the run (`endMs`), or not at all
 * when no end is given.
 */
export interface MetricSample {
  readonly t: number;
  /** Capacity, in nodes or in cpus: the same unit as `demand`. */
  readonly supply: number;
  /** Resources requested by running plus pending work, in the unit of `supply`. */
  readonly demand: number;
  /** Nodes (agents that count as capacity) per node group. */
  readonly nodesByGroup: Readonly<Record<string, number>>;
  /** Instances waiting to be placed. */
  readonly pendingInstances: number;
  /** The nodes paid for (all groups) by what they do; absent where the sampler does not tell. */
  readonly nodesByState?: NodeStates;
}

/**
 * Paid nodes (or node-hours) by state: booting (an instance with no agent yet, or one that never
 * joins), idle (an agent with nothing allocated), draining (an agent in maintenance, deactivated
 * or inactive, or an instance whose agent is gone), busy (an agent running work).
 */
export interface NodeStates {
  readonly booting: number;
  readonly idle: number;
  readonly draining: number;
  readonly busy: number;
}

/** One trace task as the replay saw it (times in ms). */
export interface TaskRecord {
  readonly id: string;
  /** Instances the record stands for; default 1. */
  readonly instances?: number;
  readonly submittedAt: number;
  /** When it was placed (started); undefined if it never was. */
  readonly placedAt?: number;
  readonly finishedAt?: number;
}

/** Width (ms) of each sample's interval, following the convention above. */
export function intervals(samples: readonly { readonly t: number }[], endMs?: number): Float64Array {
  const out = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const t = samples[i]?.t ?? 0;
    const next = i + 1 < samples.length ? (samples[i + 1]?.t ?? t) : (endMs ?? t);
    out[i] = Math.max(0, next - t);
  }
  return out;
}

export const MS_PER_HOUR = 3_600_000;
