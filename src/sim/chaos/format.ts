import { FAULT_KINDS, INVARIANTS } from './kinds.js';
import type { ChaosReport } from './run.js';

/** The run's figures as a person reads them: cycles, faults by kind, breaks by invariant. */
export function formatChaosReport(r: ChaosReport): string {
  const lines: string[] = [];
  lines.push(`chaos: seed ${r.seed}, ${r.cycles} cycles with faults + ${r.quietCycles} quiet cycles, ${r.episodes} episodes (${r.httpEpisodes} over HTTP), ${(r.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  lines.push(`faults injected: ${r.faultsTotal}`);
  const width = Math.max(...FAULT_KINDS.map((k) => k.length));
  for (const k of FAULT_KINDS) lines.push(`  ${k.padEnd(width)}  ${String(r.faults[k]).padStart(6)}`);
  lines.push('');
  lines.push('SIGKILLs and leader changes, by the step they hit:');
  const tw = Math.max(0, ...Object.keys(r.traps).map((k) => k.length));
  for (const [k, n] of Object.entries(r.traps)) lines.push(`  ${k.padEnd(tw)}  ${String(n).padStart(6)}`);
  lines.push('');
  lines.push(`invariant breaks: ${r.breakCount}`);
  const iw = Math.max(...INVARIANTS.map((k) => k.length));
  for (const k of INVARIANTS) lines.push(`  ${k.padEnd(iw)}  ${String(r.breaksByInvariant[k]).padStart(6)}`);
  if (r.breaks.length) {
    lines.push('');
    lines.push('first breaks (seed / episode / cycle):');
    for (const b of r.breaks.slice(0, 20)) lines.push(`  ${b.seed}/${b.episode}/${b.cycle} ${b.invariant}: ${b.detail}`);
  }
  return lines.join('\n');
}
