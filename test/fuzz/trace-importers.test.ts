import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { importTrace, TRACE_FORMATS, type TraceFormat } from '../../src/sim/trace/formats.js';
import { importGoogle2011MachineEvents } from '../../src/sim/trace/google2011-machines.js';
import { expectResult, RUNS, textLike } from './arbitraries.js';

/** Every trace importer, fed damaged samples of its format: a Result with reasons, never a throw. */
const sample = (name: string): string => readFileSync(new URL(`../fixtures/traces/${name}`, import.meta.url), 'utf8');

const SAMPLES: Record<TraceFormat, string> = {
  csv: 'sample.csv',
  swf: 'sample.swf',
  google2011: 'google-task-events-sample.csv',
  alibaba2017: 'alibaba-2017-batch-task-sample.csv',
  alibaba2018: 'alibaba-batch-task-sample.csv',
  alibaba2023: 'alibaba-2023-openb-sample.csv',
  azure2017: 'azure-2017-vmtable-sample.csv',
};

/** A value that breaks number parsing in every way a real file does. */
const badField = fc.oneof(fc.constantFrom('', 'NaN', '-1', '1e400', '-0', '0x1F', '  7 ', '"', '""', '3,5', 'null', '9007199254740993'), fc.string({ maxLength: 12 }), fc.double().map(String));

/** The sample with one field of one line replaced (separator: comma, or whitespace for SWF). */
function fieldDamaged(text: string, sep: RegExp, join: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  return fc.tuple(fc.nat({ max: lines.length - 1 }), fc.nat({ max: 40 }), badField).map(([li, fi, v]) => {
    const fields = (lines[li] ?? '').split(sep);
    fields[fi % Math.max(1, fields.length)] = v;
    return [...lines.slice(0, li), fields.join(join), ...lines.slice(li + 1)].join('\n');
  });
}

describe('trace importers under fuzzing', () => {
  const nodeShape = { cpus: 16, mem: 65536, disk: 100_000, gpus: 0 };
  for (const format of TRACE_FORMATS) {
    it(`${format}: damaged lines and fields, cut files and random text answer a Result`, () => {
      const text = sample(SAMPLES[format]);
      const input = format === 'swf' ? fc.oneof(textLike(text), fieldDamaged(text, /\s+/, ' ')) : fc.oneof(textLike(text), fieldDamaged(text, /,/, ','));
      fc.assert(fc.property(input, (t) => expectResult(importTrace(format, t, { nodeShape }))), { ...RUNS, numRuns: 150 });
    });
  }

  it('google2011 machine events answer a Result for any damage', () => {
    const text = sample('google-machine-events-sample.csv');
    fc.assert(fc.property(fc.oneof(textLike(text), fieldDamaged(text, /,/, ',')), (t) => expectResult(importGoogle2011MachineEvents(t))), { ...RUNS, numRuns: 150 });
  });
});
