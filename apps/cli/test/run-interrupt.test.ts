/**
 * Ctrl-C pressed once, twice and three times during `lium run`, through the built binary (the
 * signal handling lives in main.ts, which in-process runs do not exercise): the first stops the
 * command, pulls and stops the pod; the second skips only the pull; the third exits at once but
 * names the pod and how to stop it (issue #18 §1, issue #11 item 1).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { until, useEmulatorWorld } from './helpers.ts';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin', 'lium.js');

interface Child {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

describe('Ctrl-C during `lium run`, pressed once, twice, three times (built binary)', () => {
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 100 });
  let project = '';
  const pods = async () =>
    JSON.parse((await world.lium(['ps', '--json'])).stdout) as { huid: string; name: string }[];

  beforeAll(() => {
    if (!existsSync(join(cliDir, 'dist', 'main.js'))) throw new Error('build the CLI first');
    project = join(world.sandbox.dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'job.sh'), 'echo partial > partial.txt; echo started; sleep 60\n');
  });

  function start(name: string, pullDir: string): Child {
    const child = spawn(
      process.execPath,
      [
        bin,
        'run',
        '--gpu',
        'H100',
        '-y',
        '--name',
        name,
        '--sync',
        project,
        '--pull',
        'partial.txt',
        '--pull-dir',
        pullDir,
        '--',
        'sh job.sh',
      ],
      { env: world.env, cwd: world.sandbox.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const running = { child, stderr: () => stderr, exited, stdout: () => stdout };
    return Object.assign(running, {
      started: () => until(() => stdout.includes('started')),
    }) as Child & { started: () => Promise<void> };
  }

  const pulled = (dir: string) =>
    existsSync(dir) && readdirSync(dir).some((pod) => existsSync(join(dir, pod, 'partial.txt')));

  it('once: stops the command, pulls what exists, stops the pod', async () => {
    const dir = join(world.sandbox.dir, 'runs-once');
    const run = start('once', dir) as Child & { started: () => Promise<void> };
    await run.started();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain('pulling what exists');
    expect(run.stderr()).toContain('Stopped');
    expect(pulled(dir)).toBe(true);
    expect(await pods()).toEqual([]);
  }, 120_000);

  it('twice: skips the pull but still stops and names the pod', async () => {
    const dir = join(world.sandbox.dir, 'runs-twice');
    const run = start('twice', dir) as Child & { started: () => Promise<void> };
    await run.started();
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 5));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain('Skipping the pull; still stopping');
    expect(run.stderr()).toContain('twice');
    expect(run.stderr()).toContain('Stopped');
    expect(pulled(dir)).toBe(false);
    expect(await pods()).toEqual([]);
  }, 120_000);

  it('three times: exits at once, naming the pod and how to stop it', async () => {
    const dir = join(world.sandbox.dir, 'runs-thrice');
    // A slow DELETE keeps the run in its stop phase when the third Ctrl-C arrives.
    world.emulator.control.addFault({ method: 'DELETE', path: '/pods/*', latencyMs: 10_000 });
    try {
      const run = start('thrice', dir) as Child & { started: () => Promise<void> };
      await run.started();
      for (let press = 0; press < 3; press++) {
        run.child.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await run.exited).toBe(130);
      const lastWords = run.stderr().slice(run.stderr().indexOf('Exiting now'));
      expect(lastWords).toMatch(/^Exiting now: .*thrice.* may still be running\..*`lium down \S+`/);
    } finally {
      world.emulator.control.clearFaults();
    }
    // The DELETE may have gone through before the exit; either way, leave nothing behind.
    await world.lium(['down', 'thrice', '-y']);
  }, 120_000);
});
