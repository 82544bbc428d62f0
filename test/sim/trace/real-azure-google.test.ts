import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/sim/trace/formats.js';
import { commonNodeShape, importGoogle2011MachineEvents } from '../../../src/sim/trace/google2011-machines.js';
import type { TraceTask } from '../../../src/sim/trace/task.js';

/**
 * Real rows of the Azure Public Dataset V1 (2017) `vmtable.csv` and of Google cluster-data 2011
 * `machine_events`, kept in bench/traces/ (sources and terms in its README.md). The expected counts
 * were taken by hand from the raw columns (awk), not from the importers: the importers were written
 * against hand-made fixtures, this checks them on the published rows as they are (Azure: 64-character
 * ids, 88-character deployment ids, the `Unkown` category; Google: 10-digit machine ids, hashed
 * platform ids).
 */
const bench = (name: string): string => readFileSync(new URL(`../../../bench/traces/${name}`, import.meta.url), 'utf8');

function imported(file: string, node: { cpus: number; mem: number }) {
  const r = importTrace('azure2017', bench(file), { nodeShape: node });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

const hours = (tasks: readonly TraceTask[], f: (t: TraceTask) => number): number => tasks.reduce((s, t) => s + f(t) * (t.durationMs ?? 0), 0) / 3_600_000;

describe('Azure Public Dataset V1 (2017) vmtable, 10 real rows', () => {
  // The largest VM in these rows is 8 cores / 56 GB; a 16-core 112 GB node holds every one.
  const r = imported('azure-2017-vmtable-10-rows.csv', { cpus: 16, mem: 112 * 1024 });

  it('keeps all 10 VMs: 6 of 1 core, 4 of 8 cores / 56 GB', () => {
    expect(r.tasks).toHaveLength(10);
    expect(r.skipped).toEqual([]);
    expect(r.tasks.filter((t) => t.cpus === 8 && t.mem === 56 * 1024)).toHaveLength(4);
    expect(r.tasks.filter((t) => t.cpus === 1)).toHaveLength(6);
    expect(r.tasks.filter((t) => t.cpus === 1 && t.mem === 1792)).toHaveLength(5);
    expect(r.tasks.filter((t) => t.cpus === 1 && t.mem === 768)).toHaveLength(1);
  });

  it('makes the 2 Interactive VMs services; Delay-insensitive (6) and the file\'s own `Unkown` (2) batch', () => {
    expect(r.tasks.filter((t) => t.kind === 'service')).toHaveLength(2);
    expect(r.tasks.filter((t) => t.kind === 'batch')).toHaveLength(8);
    expect(new Set(r.tasks.map((t) => t.app)).size).toBe(5);
  });

  it('keeps the first row as the owners\' notebook shows it (created 0, deleted 2591700 s, 1 core, 1.75 GB)', () => {
    expect(r.tasks.find((t) => t.id.startsWith('x/XsOfHO4ocsV99i4NluqKDuxctW2MMVmwqOPAlg4wp8mq'))).toMatchObject({
      submitAt: 0,
      durationMs: 2_591_700_000,
      cpus: 1,
      mem: 1792,
      kind: 'batch',
      app: 'Pc2VLB8aDxK2DCC96itq4vW/zVDp4wioAUiB3HoGSFYQ0o6/ZCegTpb9vEH4LeMTEWVObHTPRYEY81TYivZCMQ==',
    });
  });

  it('gives 4,752.75 VM-hours and 24,910.4 core-hours over 2,290,500 s of creations', () => {
    expect(hours(r.tasks, () => 1)).toBeCloseTo(4752.75, 2);
    expect(hours(r.tasks, (t) => t.cpus)).toBeCloseTo(24_910.417, 2);
    expect(Math.max(...r.tasks.map((t) => t.submitAt))).toBe(2_290_500_000);
    // The shortest VM lived 1800 s (2290500..2292300), above the 300 s floor.
    expect(Math.min(...r.tasks.map((t) => t.durationMs ?? 0))).toBe(1_800_000);
  });

  it('skips the 8-core VMs on a node too small for them', () => {
    const small = imported('azure-2017-vmtable-10-rows.csv', { cpus: 4, mem: 16 * 1024 });
    expect(small.tasks).toHaveLength(6);
    expect(small.skipped).toHaveLength(4);
  });
});

describe('Google cluster-data 2011 machine_events, first 12,477 rows (every machine present at time 0)', () => {
  const r = importGoogle2011MachineEvents(bench('google-2011-machine-events-first-12477-rows.csv'));
  if (!r.ok) throw new Error(r.error.join('\n'));

  it('counts 12,477 machines in 10 shapes, 0.5 cpu / 0.4995 memory (of the largest machine) the most common', () => {
    expect(r.value.machines).toBe(12_477);
    expect(r.value.shapes).toEqual([
      { cpu: 0.5, mem: 0.4995, machines: 6672 },
      { cpu: 0.5, mem: 0.2493, machines: 3835 },
      { cpu: 0.5, mem: 0.749, machines: 992 },
      { cpu: 1, mem: 1, machines: 788 },
      { cpu: 0.25, mem: 0.2498, machines: 123 },
      { cpu: 0.5, mem: 0.1241, machines: 54 },
      { cpu: 0.5, mem: 0.03085, machines: 5 },
      { cpu: 0.5, mem: 0.9678, machines: 4 },
      { cpu: 1, mem: 0.5, machines: 3 },
      { cpu: 0.5, mem: 0.06158, machines: 1 },
    ]);
  });

  it('makes the most common machine the node template, scaled by the largest machine', () => {
    expect(commonNodeShape(r.value, { cpus: 32, mem: 131_072, disk: 0 })).toEqual({ cpus: 16, mem: 65_470, disk: 0 });
  });
});
