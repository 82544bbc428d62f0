import { describe, expect, it } from 'vitest';
import { parseDescribe, parseError } from '../../../src/providers/exec/index.js';

describe('parseDescribe', () => {
  it('keeps what the contract names and drops unknown keys', () => {
    const r = parseDescribe(JSON.stringify({ desired: 2, instances: [{ id: 'vm-1', privateIp: '10.0.0.1', state: 'running', rack: 'r1' }], cluster: 'dc1' }));
    expect(r).toEqual({ ok: true, value: { desired: 2, instances: [{ id: 'vm-1', privateIp: '10.0.0.1', state: 'running' }] } });
  });

  it.each([
    ['{"desired": -1, "instances": []}', /desired: /],
    ['{"desired": 1.5, "instances": []}', /desired: /],
    ['{"desired": 1}', /instances: /],
    ['{"desired": 1, "instances": [{"state": "running"}]}', /instances\.0\.id: /],
    ['{"desired": 1, "min": "1", "instances": []}', /min: /],
    ['[]', /\(root\): /],
  ])('refuses %s, naming the field', (stdout, field) => {
    const r = parseDescribe(stdout);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(field);
  });

  it('says when stdout is not JSON at all', () => {
    const r = parseDescribe('');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^stdout is not JSON/);
  });
});

describe('parseError', () => {
  it('reads a classified failure', () => {
    expect(parseError('{"error":{"kind":"busy","message":"another resize is running"}}')).toEqual({ kind: 'busy', message: 'another resize is running' });
  });

  it('ignores anything else', () => {
    expect(parseError('{"error":{"kind":"on-fire"}}')).toBeUndefined();
    expect(parseError('oops')).toBeUndefined();
    expect(parseError('')).toBeUndefined();
  });
});
