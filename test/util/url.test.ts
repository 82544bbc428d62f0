import { describe, expect, it } from 'vitest';
import { displayUrl, parseListen, splitCredentials } from '../../src/util/url.js';

describe('displayUrl', () => {
  it('removes user and password and keeps the rest as written', () => {
    expect(displayUrl('http://user:pass@m1:5050')).toBe('http://m1:5050');
    expect(displayUrl('https://u:p@cluster/mesos/')).toBe('https://cluster/mesos/');
    expect(displayUrl('http://m1:5050')).toBe('http://m1:5050');
  });

  it('removes what looks like user info from text that is not a URL', () => {
    expect(displayUrl('http://user:pass@[::1')).toBe('http://[::1');
  });
});

describe('splitCredentials', () => {
  it('takes percent-encoded credentials out of the URL', () => {
    expect(splitCredentials('http://ops:p%40ss@m1:5050')).toEqual({ url: 'http://m1:5050', username: 'ops', password: 'p@ss' });
    expect(splitCredentials('http://m1:5050')).toEqual({ url: 'http://m1:5050' });
  });
});

describe('parseListen', () => {
  it('reads host:port, bracketed IPv6 literals, :port and a bare port', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ ok: true, value: { host: '127.0.0.1', port: 8080 } });
    expect(parseListen('[::1]:9090')).toEqual({ ok: true, value: { host: '::1', port: 9090 } });
    expect(parseListen(':8080')).toEqual({ ok: true, value: { port: 8080 } });
    expect(parseListen('8080')).toEqual({ ok: true, value: { port: 8080 } });
    expect(parseListen('localhost:0')).toEqual({ ok: true, value: { host: 'localhost', port: 0 } });
  });

  it('refuses what is not an address, saying why', () => {
    expect(parseListen('::1:8080')).toMatchObject({ ok: false, error: /brackets/ });
    expect(parseListen('host:70000')).toMatchObject({ ok: false, error: /0\.\.65535/ });
    expect(parseListen('abc')).toMatchObject({ ok: false });
    expect(parseListen('host:')).toMatchObject({ ok: false });
    expect(parseListen('[::1')).toMatchObject({ ok: false });
    expect(parseListen('a b:80')).toMatchObject({ ok: false });
  });

  it('takes user info with a malformed escape out without throwing (found by fuzzing)', () => {
    const split = splitCredentials('http://user:pw-%@&@%@&');
    expect(split.url).not.toMatch(/pw-/);
    // Undecodable escapes are kept as written: the password still leaves the URL.
    expect(split.password).toMatch(/^pw-%/);
    expect(displayUrl('http://user:pw-%@&@%@&')).not.toMatch(/pw-/);
  });
});
