import { describe, expect, it } from 'vitest';
import { offeredCpus } from '../../../src/sim/trace/demand.js';
import { diurnalFactor, generateTrace, type GeneratorParams } from '../../../src/sim/trace/generator.js';
import { isLongRunning } from '../../../src/sim/trace/task.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base: GeneratorParams = { seed: 42, days: 7, targetNodes: 50, nodeShape: { cpus: 16, mem: 65536 }, tasks: 20_000 };

describe('generateTrace', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateTrace(base);
    const b = generateTrace(base);
    const c = generateTrace({ ...base, seed: 43 });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(JSON.stringify(c.slice(0, 50))).not.toBe(JSON.stringify(a.slice(0, 50)));
  });

  it('produces about the requested number of tasks, sorted, within the trace', () => {
    const tasks = generateTrace(base);
    expect(tasks.length).toBeGreaterThan(base.tasks * 0.9);
    expect(tasks.length).toBeLessThan(base.tasks * 1.1);
    for (let i = 1; i < tasks.length; i++) expect(tasks[i]!.submitAt).toBeGreaterThanOrEqual(tasks[i - 1]!.submitAt);
    expect(tasks.every((t) => t.submitAt >= 0 && t.submitAt < 7 * DAY)).toBe(true);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  });

  it('mixes long-running services, scaled services and many short batch tasks', () => {
    const tasks = generateTrace(base);
    const services = tasks.filter((t) => t.kind === 'service');
    const batch = tasks.filter((t) => t.kind === 'batch');
    expect(services.some(isLongRunning)).toBe(true);
    expect(services.some((t) => !isLongRunning(t))).toBe(true);
    expect(batch.length).toBeGreaterThan(services.length);
    expect(batch.every((t) => !isLongRunning(t) && (t.durationMs ?? 0) >= 10_000 && (t.durationMs ?? 0) <= 6 * HOUR)).toBe(true);
    // Batch waves: some 15-minute window holds far more submissions than the average.
    const perSlot = new Map<number, number>();
    for (const t of batch) perSlot.set(Math.floor(t.submitAt / (15 * 60_000)), (perSlot.get(Math.floor(t.submitAt / (15 * 60_000))) ?? 0) + 1);
    const average = batch.length / (7 * 96);
    expect(Math.max(...perSlot.values())).toBeGreaterThan(3 * average);
  });

  it('sizes: mostly small, a heavy tail, never above a node', () => {
    const tasks = generateTrace(base);
    const cpus = tasks.map((t) => t.cpus).sort((a, b) => a - b);
    expect(cpus[Math.floor(cpus.length / 2)]).toBeLessThanOrEqual(1);
    expect(cpus[cpus.length - 1]).toBeGreaterThanOrEqual(8);
    expect(tasks.every((t) => t.cpus > 0 && t.cpus <= 16 && t.mem > 0 && t.mem <= 65536 && t.instances >= 1)).toBe(true);
  });

  it('follows a diurnal cycle and roughly fills the target cluster at peak', () => {
    const tasks = generateTrace(base);
    const step = 10 * 60_000;
    const services = offeredCpus(tasks.filter((t) => t.kind === 'service'), step, 7 * DAY);
    const all = offeredCpus(tasks, step, 7 * DAY);
    const capacity = base.targetNodes * base.nodeShape.cpus;
    // Weekdays 1..4 (day 0 starts empty): services at 16:00 well above 04:00.
    for (let day = 1; day <= 4; day++) {
      const peak = services[(day * DAY + 16 * HOUR) / step] ?? 0;
      const trough = services[(day * DAY + 4 * HOUR) / step] ?? 1;
      expect(peak / trough).toBeGreaterThan(1.5);
    }
    const peak = Math.max(...all);
    expect(peak / capacity).toBeGreaterThan(0.6);
    expect(peak / capacity).toBeLessThan(1.6);
    expect(diurnalFactor(16 * HOUR)).toBeCloseTo(1);
    expect(diurnalFactor(4 * HOUR)).toBeCloseTo(0);
  });

  it('makes 100,000 tasks for 7 days in under 2 seconds', () => {
    const t0 = performance.now();
    const tasks = generateTrace({ seed: 1, days: 7, targetNodes: 200, nodeShape: { cpus: 16, mem: 65536 }, tasks: 100_000 });
    const elapsed = performance.now() - t0;
    expect(tasks.length).toBeGreaterThanOrEqual(100_000 * 0.95);
    expect(elapsed).toBeLessThan(2000);
  });

  it('rejects nonsense parameters', () => {
    expect(() => generateTrace({ ...base, days: 0 })).toThrow(RangeError);
  });
});
