import { INVARIANTS, zeroFaults, type Break, type FaultKind, type InvariantName } from './kinds.js';

/** Where the run is, for every break's record, and the tallies of faults and breaks. */
export class Referee {
  readonly faults: Record<FaultKind, number> = zeroFaults();
  readonly breaks: Break[] = [];
  readonly byInvariant = Object.fromEntries(INVARIANTS.map((k) => [k, 0])) as Record<InvariantName, number>;
  /** Breaks counted beyond those kept in `breaks` (the list is capped to stay readable). */
  dropped = 0;
  episode = 0;
  cycle = 0;
  /** Processes with a paused group (over the API), and which: they must make no state-changing call for it. */
  readonly paused = new Map<Life, string>();

  constructor(readonly seed: number, private readonly keep = 50) {}

  /** An invariant broke: kept with where it happened. */
  flag(invariant: InvariantName, detail: string): void {
    this.byInvariant[invariant]++;
    if (this.breaks.length >= this.keep) {
      this.dropped++;
      return;
    }
    this.breaks.push({ invariant, seed: this.seed, episode: this.episode, cycle: this.cycle, detail });
  }

  count(kind: FaultKind, n = 1): void {
    this.faults[kind] += n;
  }

  /** Where the call traps went off: `sigkill-before-call @ machine/down` and so on. */
  readonly traps: Record<string, number> = {};

  trapAt(what: CallTrap['what'], step: string): void {
    const key = `${what} @ ${step}`;
    this.traps[key] = (this.traps[key] ?? 0) + 1;
  }

  get breakCount(): number {
    return this.breaks.length + this.dropped;
  }
}

/** A promise that never settles: what a call of a killed process "returns". */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** One autoscaler process. Once killed, every call it makes stays unanswered and it does nothing more. */
export class Life {
  #alive = true;
  #resolve: () => void = () => undefined;
  /** Settles when the process is killed. */
  readonly died: Promise<'killed'> = new Promise((r) => {
    this.#resolve = () => r('killed');
  });

  get alive(): boolean {
    return this.#alive;
  }

  kill(): void {
    this.#alive = false;
    this.#resolve();
  }
}

/** What happens at the k-th state-changing call of this cycle: SIGKILL before or after it, or a new leader. */
export interface CallTrap {
  readonly at: number;
  readonly what: 'sigkill-before-call' | 'sigkill-after-call' | 'leader-replaced-mid-action';
}

/**
 * Counts the state-changing calls (set size, delete, drain, down, finish) and springs the armed
 * trap at the chosen one: how the harness kills the autoscaler at every step of a scale-up and a
 * drain, or replaces its leader mid-action. A trap stays armed across cycles until it goes off, so
 * it lands on the k-th call from when it was armed, wherever that call falls.
 */
export class CallGate {
  #calls = 0;
  #trap: CallTrap | undefined;

  constructor(
    private readonly referee: Referee,
    private readonly onLeaderReplaced: () => void,
  ) {}

  /** Arms `trap` unless one is armed already; calls are counted from now. */
  arm(trap: CallTrap | undefined): void {
    if (!trap || this.#trap) return;
    this.#calls = 0;
    this.#trap = trap;
  }

  /** Faults stop: no trap waits any more. */
  disarm(): void {
    this.#trap = undefined;
  }

  /** Whether a trap is waiting for its call. */
  get armed(): boolean {
    return this.#trap !== undefined;
  }

  /** Runs a state-changing call (`step` names it) of the process `life` for `group`, springing the trap at its index. */
  async call<T>(life: Life, step: string, group: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (!life.alive) return never();
    const paused = this.referee.paused.get(life);
    if (paused !== undefined && paused === group) this.referee.flag('no-move-while-paused', `${step} in ${group} while it is paused`);
    this.#calls++;
    const trap = this.#trap && this.#trap.at === this.#calls ? this.#trap : undefined;
    if (trap) {
      this.#trap = undefined;
      this.referee.count(trap.what);
      this.referee.trapAt(trap.what, step);
    }
    if (trap?.what === 'sigkill-before-call') {
      life.kill();
      return never();
    }
    let result: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: await fn() };
    } catch (error) {
      result = { ok: false, error };
    }
    if (trap?.what === 'sigkill-after-call') {
      // The call took effect; the process dies before it can record the outcome.
      life.kill();
      return never();
    }
    if (trap?.what === 'leader-replaced-mid-action') this.onLeaderReplaced();
    if (!life.alive) return never();
    if (result.ok) return result.value;
    throw result.error;
  }
}
