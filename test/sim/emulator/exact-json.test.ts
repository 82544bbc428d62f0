import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int64Json, parseExact, stringifyExact } from '../../../src/sim/emulator/exact-json.js';
import { acceptsJson } from '../../../src/sim/emulator/master-server.js';

const INT64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

describe('exact JSON of the emulated master', () => {
  it('round-trips every int64 digit for digit, as stout does', () => {
    fc.assert(
      fc.property(INT64, (n) => {
        const text = stringifyExact({ nanoseconds: int64Json(n) });
        expect(text).toBe(`{"nanoseconds":${n.toString()}}`);
        const back = parseExact(text) as { nanoseconds: number | bigint };
        expect(BigInt(back.nanoseconds)).toBe(n);
      }),
    );
  });

  it('writes plain numbers and strings as JSON.stringify does, even beside a bigint', () => {
    const value = { a: 1.5, s: 'x"\u0001int64:7"', n: 2n ** 60n, list: [null, true] };
    expect(stringifyExact(value)).toBe(`{"a":1.5,"s":"x\\"\\u0001int64:7\\"","n":${(2n ** 60n).toString()},"list":[null,true]}`);
    expect(stringifyExact({ a: 1 })).toBe(JSON.stringify({ a: 1 }));
  });

  it('reports bad JSON as an error value and an empty body as undefined', () => {
    expect(parseExact('{"a":')).toBeInstanceOf(Error);
    expect(parseExact('  ')).toBeUndefined();
  });
});

describe('Accept as libprocess reads it', () => {
  it('accepts JSON when absent, listed, wildcarded, and refuses it when excluded', () => {
    expect(acceptsJson(undefined)).toBe(true);
    expect(acceptsJson('application/json')).toBe(true);
    expect(acceptsJson('text/html, */*;q=0.1')).toBe(true);
    expect(acceptsJson('application/x-protobuf')).toBe(false);
    expect(acceptsJson('application/json;q=0')).toBe(false);
  });
});
