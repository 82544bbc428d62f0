import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PendingLaunch } from '../../src/model/pending.js';
import { resources } from '../../src/model/resources.js';
import { binList, itemsOf, packOnto } from '../../src/planner/estimator.js';
import { makeBin, place, type Bin } from '../../src/planner/packing.js';
import { refusal } from '../../src/planner/placement.js';

const launch = (i: number, cpus: number, mem: number, gpus: number, count: number, roles?: readonly string[]): PendingLaunch => ({
  id: `/app-${i}`,
  source: 'marathon',
  count,
  resources: resources({ cpus, mem, gpus }),
  constraints: [],
  role: '*',
  ...(roles ? { acceptedRoles: roles } : {}),
  delayed: false,
  rejections: {},
});

const bins = (shapes: readonly { cpus: number; mem: number; gpus: number; reserved: boolean }[]): Bin[] =>
  shapes.map((s, i) =>
    s.reserved
      ? makeBin({ hostname: `a${i}`, attributes: {} }, resources({ cpus: s.cpus / 2, mem: s.mem / 2, gpus: s.gpus }), new Map(), false, { roles: ['slave_public'], free: resources({ cpus: s.cpus / 2, mem: s.mem / 2 }), unreservedOffered: true })
      : makeBin({ hostname: `a${i}`, attributes: {} }, resources({ cpus: s.cpus, mem: s.mem, gpus: s.gpus })),
  );

/** First fit of every instance in item order, with no memo: what packOnto must place. */
function reference(launches: readonly PendingLaunch[], list: Bin[]): string[] {
  const out: string[] = [];
  for (const item of itemsOf(launches)) {
    for (let n = 0; n < item.remaining; n++) {
      const at = list.findIndex((b) => refusal(item.app, b, undefined) === undefined);
      if (at < 0) break;
      place(item.app, list[at] as Bin, undefined);
      out.push(`${item.launch.id}@${at}`);
    }
  }
  return out;
}

describe('packOnto skips apps that a smaller need of the same kind showed to fit nowhere', () => {
  it('property: places exactly what plain first fit places, instance by instance', () => {
    const shape = fc.record({ cpus: fc.integer({ min: 0, max: 16 }), mem: fc.integer({ min: 0, max: 64 }), gpus: fc.constantFrom(0, 0, 2), reserved: fc.boolean() });
    // Few shapes, so apps of one shape but another kind (roles, GPUs) follow each other in the sorted list.
    const app = fc.record({ cpus: fc.constantFrom(2, 4, 6), mem: fc.constantFrom(4, 8, 16), gpus: fc.constantFrom(0, 0, 1), count: fc.integer({ min: 1, max: 4 }), publicToo: fc.boolean() });
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 8 }), fc.array(app, { minLength: 1, maxLength: 30 }), (shapes, apps) => {
        const launches = apps.map((a, i) => launch(i, a.cpus, a.mem, a.gpus, a.count, a.publicToo ? ['*', 'slave_public'] : undefined));
        const expected = reference(launches, bins(shapes));
        const got: string[] = [];
        const items = itemsOf(launches);
        const placed = packOnto(items, binList(bins(shapes)), (item, _bin, at) => got.push(`${item.launch.id}@${at}`));
        expect(got).toEqual(expected);
        expect(placed).toBe(expected.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('an app asking no GPU that a node with free GPUs declined is tried again once GPU work took them', () => {
    const list = bins([{ cpus: 12, mem: 24, gpus: 2, reserved: false }]);
    const got: string[] = [];
    // Sorted: /app-0 (no GPU, declined: restricted), /app-1 (takes both GPUs), /app-2 (no GPU, same shape as /app-0).
    const items = itemsOf([launch(0, 4, 8, 0, 1), launch(1, 4, 8, 1, 2), launch(2, 4, 8, 0, 1)]);
    packOnto(items, binList(list), (item) => got.push(item.launch.id));
    expect(got).toEqual(['/app-1', '/app-1', '/app-2']);
  });

  it('a larger app after one that fit nowhere is not looked at, and a smaller one still is', () => {
    const list = bins([{ cpus: 4, mem: 8, gpus: 0, reserved: false }]);
    const got: string[] = [];
    // Sorted largest first: 6 cpus fits nowhere, so does 5 cpus / 9 mem; 2 cpus fits.
    const items = itemsOf([launch(1, 6, 4, 0, 1), launch(2, 5, 9, 0, 1), launch(3, 2, 2, 0, 1)]);
    packOnto(items, binList(list), (item) => got.push(item.launch.id));
    expect(got).toEqual(['/app-3']);
    expect(items.map((i) => i.remaining)).toEqual([1, 1, 0]);
  });
});
