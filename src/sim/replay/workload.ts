import type { TaskRecord } from '../metrics/series.js';
import type { SimCluster } from '../cluster/cluster.js';
import type { ClusterEvent } from '../cluster/events.js';
import type { AppSpec } from '../cluster/types.js';
import { isLongRunning, type TraceTask } from '../trace/task.js';

interface Tracked {
  readonly task: TraceTask;
  readonly submittedAt: number;
  /** Placement times (ms from trace start) of the first `instances` launches. */
  readonly placements: number[];
  finishedAt?: number;
  finished: number;
}

/**
 * Feeds trace tasks into the cluster at their submit times, as Marathon apps: a service
 * runs until its duration (from submission) has passed or the trace ends; a batch task
 * runs `durationMs` once placed, then finishes. Listens to the cluster to record when
 * every instance was placed and finished.
 */
export class TraceFeeder {
  readonly #tasks: readonly TraceTask[];
  readonly #byApp = new Map<string, Tracked>();
  readonly #tracked: Tracked[] = [];
  #next = 0;

  constructor(
    private readonly cluster: SimCluster,
    tasks: readonly TraceTask[],
    /** Epoch ms of trace time 0 on the cluster's clock. */
    private readonly origin: number,
  ) {
    this.#tasks = tasks;
  }

  /** Cluster events the feeder needs: placements and finishes. */
  onEvent(e: ClusterEvent): void {
    if (e.type === 'task_added') {
      const tr = this.#byApp.get(e.task.appId);
      if (tr && tr.placements.length < tr.task.instances) tr.placements.push(e.task.stagedAt - this.origin);
    } else if (e.type === 'task_updated' && e.task.state === 'TASK_FINISHED') {
      const tr = this.#byApp.get(e.task.appId);
      if (tr) this.#finished(tr, e.task.endedAt ?? this.cluster.clock.now());
    }
  }

  /** Sets timers for every task submitted at or before trace time `t` not yet scheduled. */
  scheduleUntil(t: number): void {
    this.#schedule((submitAt) => submitAt <= t);
  }

  /**
   * Sets timers for every task submitted before trace time `end` (the run's end): trace times
   * need not be whole milliseconds (Google's are microseconds), so "at or before end - 1" would
   * leave out a task of the run's last millisecond that the oracle counts.
   */
  scheduleBefore(end: number): void {
    this.#schedule((submitAt) => submitAt < end);
  }

  #schedule(due: (submitAt: number) => boolean): void {
    const clock = this.cluster.clock;
    for (; this.#next < this.#tasks.length; this.#next++) {
      const task = this.#tasks[this.#next];
      if (!task || !due(task.submitAt)) break;
      const index = this.#next;
      clock.setTimer(this.origin + task.submitAt - clock.now(), () => this.#submit(task, index));
    }
  }

  #submit(task: TraceTask, index: number): void {
    const id = `/trace/${index}`;
    const tr: Tracked = { task, submittedAt: task.submitAt, placements: [], finished: 0 };
    this.#byApp.set(id, tr);
    this.#tracked.push(tr);
    const batch = task.kind === 'batch' && !isLongRunning(task);
    const spec: AppSpec = {
      id,
      instances: task.instances,
      cpus: task.cpus,
      mem: task.mem,
      disk: task.disk,
      gpus: task.gpus,
      startupMs: 0,
      kind: batch ? 'batch' : 'service',
      ...(batch ? { durationMs: task.durationMs } : {}),
      ...(task.constraints.length ? { constraints: task.constraints } : {}),
      labels: { trace_task: task.id },
      // Traces come from schedulers that share GPU nodes with CPU work: replay them as Marathon with
      // GPU_SCHEDULING_BEHAVIOR=unrestricted (ResourceMatcher.scala), which the planner reads too.
      gpuScheduling: 'unrestricted',
    };
    const r = this.cluster.createApp(spec);
    if (!r.ok) throw new Error(`trace task ${task.id}: ${r.error.message}`);
    if (!batch && !isLongRunning(task) && task.durationMs !== undefined) {
      // A service with a lifetime: Marathon deletes it when its time is up, placed or not.
      this.cluster.clock.setTimer(task.durationMs, () => {
        if (this.cluster.getApp(id)) this.cluster.deleteApp(id);
        tr.finishedAt = this.cluster.clock.now() - this.origin;
      });
    }
  }

  #finished(tr: Tracked, at: number): void {
    tr.finished++;
    if (tr.finished >= tr.task.instances) tr.finishedAt = at - this.origin;
  }

  /** Trace tasks submitted so far. */
  get submitted(): number {
    return this.#tracked.length;
  }

  /** One record per trace task and placement time (plus one for instances never placed). */
  records(): TaskRecord[] {
    const out: TaskRecord[] = [];
    for (const tr of this.#tracked) {
      const id = tr.task.id;
      const fin = tr.finishedAt === undefined ? {} : { finishedAt: tr.finishedAt };
      let i = 0;
      while (i < tr.placements.length) {
        const at = tr.placements[i] as number;
        let n = 0;
        while (i < tr.placements.length && tr.placements[i] === at) {
          n++;
          i++;
        }
        out.push({ id, instances: n, submittedAt: tr.submittedAt, placedAt: at, ...fin });
      }
      const never = tr.task.instances - tr.placements.length;
      // A service withdrawn before it was placed waited until its withdrawal, not to the end of the run.
      if (never > 0) out.push({ id, instances: never, submittedAt: tr.submittedAt, ...fin });
    }
    return out;
  }
}
