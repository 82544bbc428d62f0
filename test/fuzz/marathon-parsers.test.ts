import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApps } from '../../src/marathon/apps.js';
import { parseMarathonEvent } from '../../src/marathon/events.js';
import { parseConstraint, parseQueue } from '../../src/marathon/queue.js';
import { expectResult, jsonLike, RUNS, textLike } from './arbitraries.js';

/** Every Marathon parser, fed damaged real documents and random input: a Result every time, never a throw. */
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real-captures/${name}`, import.meta.url), 'utf8');

/** The SSE fixture as (event, data) messages. */
function sseMessages(text: string): { event: string; data: string }[] {
  return text
    .split(/\n\n+/)
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1] ?? '', data: /^data: (.*)$/m.exec(block)?.[1] ?? '' }))
    .filter((m) => m.event && m.data);
}

describe('Marathon parsers under fuzzing', () => {
  const queue = JSON.parse(fixture('marathon-v2-queue-docs-example.json')) as unknown;
  const apps = JSON.parse(fixture('marathon-v2-apps-embed-tasks-1.5-marathonlb.json')) as unknown;
  const events = sseMessages(fixture('marathon-v2-events-sse-docs-example.txt'));
  it('reads the SSE fixture into several events to damage', () => expect(events.length).toBeGreaterThanOrEqual(3));

  it('the launch queue answers a Result for any damage', () => {
    fc.assert(fc.property(jsonLike(queue), (j) => expectResult(parseQueue(j))), RUNS);
  });

  it('apps with embedded tasks answer a Result for any damage', () => {
    fc.assert(fc.property(jsonLike(apps), (j) => expectResult(parseApps(j))), RUNS);
  });

  it('every event of the stream answers a Result for damaged data, any event name, or data that is not JSON', () => {
    for (const m of events) {
      const data = JSON.parse(m.data) as unknown;
      fc.assert(fc.property(jsonLike(data), fc.constantFrom(m.event, undefined, 'status_update_event', 'instance_changed_event'), (j, event) => expectResult(parseMarathonEvent({ event, data: JSON.stringify(j) ?? '', id: undefined }))), { ...RUNS, numRuns: 60 });
      fc.assert(fc.property(textLike(m.data), (t) => expectResult(parseMarathonEvent({ event: m.event, data: t, id: undefined }))), { ...RUNS, numRuns: 60 });
    }
  });

  it('constraints answer a Result for any list of words', () => {
    const word = fc.oneof(fc.constantFrom('hostname', 'UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS', 'rack', '3', '', '.*'), fc.string({ maxLength: 10 }));
    fc.assert(fc.property(fc.array(word, { maxLength: 5 }), (c) => expectResult(parseConstraint(c))), RUNS);
  });
});
