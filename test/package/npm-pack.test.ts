/**
 * The npm package as a user gets it: `npm pack` (whose prepack runs the build) in a copy of the
 * project, the tarball extracted, and the CLI started from it with plain `node`: compiled
 * JavaScript only. The dependencies come from this checkout's node_modules, linked next to the
 * extracted package (a real `npm install <tarball>` needs the registry, which tests do not reach).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string;
let pkgDir: string;
let files: string[];

interface PackEntry {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mesos-autoscaler-pack-'));
  const project = join(work, 'project');
  await mkdir(project);
  // What `npm pack` and its prepack build read; tests, bench and CI files are copied too, to show they stay out.
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'scripts', 'deploy', 'docs', 'test/package', 'bench', '.ci'])
    await cp(join(REPO_ROOT, entry), join(project, entry), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
  const packed = (JSON.parse(stdout) as PackEntry[])[0];
  if (!packed) throw new Error(`npm pack printed no package: ${stdout.slice(0, 500)}`);
  files = packed.files.map((f) => f.path);
  const out = join(work, 'installed');
  await mkdir(out);
  await run('tar', ['-xzf', join(work, packed.filename), '-C', out]);
  pkgDir = join(out, 'package');
  await symlink(join(REPO_ROOT, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const cli = (args: string[], timeout = 30_000): Promise<{ stdout: string; stderr: string }> =>
  run(process.execPath, [join(pkgDir, 'bin', 'mesos-autoscaler.js'), ...args], {
    cwd: pkgDir,
    timeout,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
  });

describe('npm package', () => {
  it('ships the compiled CLI, the status page and the deploy files, and no tests, bench, CI files or TypeScript sources', () => {
    expect(files).toContain('bin/mesos-autoscaler.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/server/page/index.html');
    expect(files).toContain('dist/server/page/app.js');
    expect(files).toContain('deploy/universe/resource.json');
    expect(files).toContain('package.json');
    for (const f of files) {
      expect(f).not.toMatch(/^(test|bench|\.ci|src|scripts)\//);
      expect(f).not.toMatch(/\.ts$/);
    }
  });

  it('lists only what runs as dependencies (no tsx, test browser, test runner or compiler)', async () => {
    const manifest = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const devOnly of ['tsx', 'playwright-core', 'vitest', 'fast-check', 'typescript'])
      expect(Object.keys(manifest.dependencies)).not.toContain(devOnly);
  });

  it('starts through a symlink, as npm links a bin into node_modules/.bin', async () => {
    const binDir = join(work, 'app', 'node_modules', '.bin');
    await mkdir(binDir, { recursive: true });
    await symlink(join(pkgDir, 'bin', 'mesos-autoscaler.js'), join(binDir, 'mesos-autoscaler'));
    const { stdout } = await run(join(binDir, 'mesos-autoscaler'), ['--version'], { env: { PATH: process.env['PATH'], HOME: process.env['HOME'] }, timeout: 30_000 });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers --version and --help from the compiled JavaScript', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toBe(manifest.version);
    const help = await cli(['--help']);
    expect(help.stdout).toContain('demo');
    expect(help.stdout).toContain('validate');
  });

  it('serves the status page and its scripts from the compiled package', async () => {
    interface AssetsModule {
      Assets: new () => { get(path: string): Promise<{ body: Buffer; contentType: string }> | undefined };
    }
    const { Assets } = (await import(pathToFileURL(join(pkgDir, 'dist', 'server', 'assets.js')).href)) as AssetsModule;
    const assets = new Assets();
    for (const path of ['/', '/assets/app.js', '/assets/style.css', '/assets/uPlot.iife.min.js', '/assets/uPlot.min.css']) {
      const asset = await assets.get(path);
      expect(asset?.body.length ?? 0, path).toBeGreaterThan(0);
    }
    expect((await assets.get('/'))?.body.toString()).toContain('src="assets/app.js"');
  });

  it('runs the demo from the compiled JavaScript', async () => {
    const demo = await cli(['demo', '--duration', '3', '--speed', '600'], 60_000);
    expect(demo.stdout).toContain('emulated Mesos master http://127.0.0.1:');
    expect(demo.stdout).toMatch(/demo stopped after/);
  }, 90_000);
});
