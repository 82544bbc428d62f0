import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from '../../src/util/logger.js';
import { Scrubber, Secret, secretsIn } from '../../src/util/secret.js';
import { runCli } from '../support/cli.js';

function capture(): { stream: { write: (line: string) => void }; text: () => string } {
  let out = '';
  return { stream: { write: (line: string) => void (out += line) }, text: () => out };
}

describe('log format', () => {
  it('auto is pretty on a terminal and JSON otherwise', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('pretty writes a readable line per record: time, level, message and fields; the error indented under it', () => {
    const out = capture();
    const logger = createLogger('info', out.stream, undefined, 'pretty');
    logger.warn({ group: 'web', err: 'HTTP 503 from the cloud' }, 'set size failed; retried in a later cycle');
    logger.info({ group: 'web' }, 'decision web: none 3 -> 3');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN: set size failed; retried in a later cycle \{"group":"web"\}$/);
    expect(lines[1]).toBe('    err: "HTTP 503 from the cloud"');
    expect(lines[2]).toMatch(/\] INFO: decision web: none 3 -> 3 \{"group":"web"\}$/);
  });

  it('json writes one JSON object per record', () => {
    const out = capture();
    createLogger('info', out.stream, undefined, 'json').info({ group: 'web' }, 'decision web: none 3 -> 3');
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, group: 'web', msg: 'decision web: none 3 -> 3', name: 'mesos-autoscaler' });
  });

  it('scrubs secrets from pretty lines as from JSON ones', () => {
    const out = capture();
    const scrubber = new Scrubber(secretsIn({ mesos: { password: new Secret('pretty-secret-77') } }));
    createLogger('info', out.stream, scrubber, 'pretty').error({ err: 'sent pretty-secret-77' }, 'call with pretty-secret-77 failed');
    expect(out.text()).toContain('failed');
    expect(out.text()).not.toContain('pretty-secret-77');
  });

  it('run --log-format pretty logs readable lines, and the default off a terminal is JSON', async () => {
    const args = ['run', '--master', 'http://127.0.0.1:1', '--provider-name', 'exec', '--exec-command', '/bin/true', '--timer', '5'];
    const started = (o: { stderr: string }): boolean => o.stderr.includes('mesos-autoscaler started');
    const pretty = await runCli([...args, '--log-format', 'pretty'], { timeoutMs: 20_000, until: started });
    expect(pretty.stderr).toMatch(/^\[[\d-]+ [\d:.]+\] INFO: mesos-autoscaler started /m);
    const auto = await runCli(args, { timeoutMs: 20_000, until: started });
    const first = auto.stderr.split('\n').find((l) => l.includes('mesos-autoscaler started')) ?? '';
    expect(JSON.parse(first)).toMatchObject({ msg: 'mesos-autoscaler started' });
  });

  it('rejects an unknown format as a usage error', async () => {
    const r = await runCli(['plan', '--log-format', 'xml'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are auto, json, pretty');
  });
});
