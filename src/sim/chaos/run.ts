import { seededRandom } from '../cluster/ids.js';
import { runEpisode } from './episode.js';
import { type Break, type FaultKind, type InvariantName } from './kinds.js';
import { Referee } from './referee.js';
import type { ChaosSecrets } from './world.js';

/** What to run: the seed, how many cycles, how episodes are made. */
export interface ChaosOptions {
  readonly seed: number;
  /** Cycles with faults injected, over all episodes (quiet cycles come on top). */
  readonly cycles: number;
  /** Chaos cycles per episode (a fresh world each). */
  readonly episodeCycles?: number;
  /** Share of episodes run over HTTP with the real clients (the rest in process). */
  readonly httpShare?: number;
  /** Most quiet cycles an episode waits for its drains to end. */
  readonly quietLimit?: number;
  /** Called after each episode with the chaos cycles done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Runs only this episode (as numbered in a break's record), to reproduce it. */
  readonly onlyEpisode?: number;
  /** Receives one JSON line per cycle (see `runEpisode`). */
  readonly trace?: (line: string) => void;
}

/** What a run found: the figures RELIABILITY.md quotes. */
export interface ChaosReport {
  readonly seed: number;
  readonly cycles: number;
  readonly quietCycles: number;
  readonly episodes: number;
  readonly httpEpisodes: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  readonly faultsTotal: number;
  /** SIGKILLs and leader changes by the step they hit (`sigkill-after-call @ delete instance`). */
  readonly traps: Readonly<Record<string, number>>;
  readonly breaksByInvariant: Readonly<Record<InvariantName, number>>;
  readonly breakCount: number;
  /** The first breaks, with where they happened (seed, episode, cycle). */
  readonly breaks: readonly Break[];
  readonly durationMs: number;
}

/** Credentials made up per episode, so no output can hold them by accident of a fixture. */
function secretsFor(rand: () => number): ChaosSecrets {
  const word = (p: string) => `${p}-${Math.floor(rand() * 2 ** 48).toString(36)}${Math.floor(rand() * 2 ** 48).toString(36)}`;
  return { mesosUser: 'chaos-operator', mesosPassword: word('pw'), marathonToken: word('tok'), serverToken: word('srv') };
}

/**
 * The chaos suite: seeded episodes of the real Controller over the emulated cluster and cloud,
 * with faults injected every cycle and every invariant checked. The same seed and cycles give the
 * same faults (HTTP timing aside).
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const referee = new Referee(o.seed);
  const episodeCycles = o.episodeCycles ?? 40;
  const httpShare = o.httpShare ?? 0.2;
  const quietLimit = o.quietLimit ?? 60;
  const onRejection = (reason: unknown): void => referee.flag('process-alive', `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`);
  const onException = (error: Error): void => referee.flag('process-alive', `uncaught exception: ${error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  let done = 0;
  let total = 0;
  let httpEpisodes = 0;
  let ran = 0;
  let episodes = 0;
  try {
    for (let i = 0; done < o.cycles; i++) {
      const rand = seededRandom((o.seed * 100_003 + i * 7_919) >>> 0);
      const cycles = Math.min(episodeCycles, o.cycles - done);
      if (o.onlyEpisode !== undefined && i !== o.onlyEpisode) {
        // Every episode has its own generator, so one can be run alone exactly as in the whole run.
        done += cycles;
        continue;
      }
      const http = rand() < httpShare;
      if (http) httpEpisodes++;
      referee.episode = i;
      total += await runEpisode({ referee, rand, seed: (o.seed * 1_000 + i) >>> 0, cycles, quietLimit, http, secrets: secretsFor(rand), ...(o.trace ? { trace: o.trace } : {}) });
      done += cycles;
      ran += cycles;
      episodes++;
      o.onProgress?.(done, o.cycles);
    }
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
  const faultsTotal = Object.values(referee.faults).reduce((a, b) => a + b, 0);
  return {
    seed: o.seed,
    cycles: ran,
    quietCycles: total - ran,
    episodes,
    httpEpisodes,
    faults: { ...referee.faults },
    faultsTotal,
    traps: Object.fromEntries(Object.entries(referee.traps).sort(([a], [b]) => a.localeCompare(b))),
    breaksByInvariant: { ...referee.byInvariant },
    breakCount: referee.breakCount,
    breaks: referee.breaks,
    durationMs: Date.now() - started,
  };
}
