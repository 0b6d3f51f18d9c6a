import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { until, useEmulatorWorld } from './helpers.ts';

describe('lium run: one command from a local project to results, nothing left billing', () => {
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 100 });
  let project = '';
  const pods = async () =>
    JSON.parse((await world.lium(['ps', '--json'])).stdout) as { huid: string; name: string }[];

  beforeAll(() => {
    project = join(world.sandbox.dir, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'data'), { recursive: true });
    writeFileSync(join(project, 'src', 'train.sh'), 'echo trained > out/model.txt\n');
    writeFileSync(join(project, 'data', 'big.bin'), 'ignored by .gitignore');
    writeFileSync(join(project, 'notes.tmp'), 'ignored by .liumignore');
    writeFileSync(join(project, '.env'), 'SECRET=never-sent');
    writeFileSync(join(project, '.env.local'), 'SECRET=never-sent');
    writeFileSync(join(project, '.gitignore'), '# comment\ndata/\n!keep.me\n');
    writeFileSync(join(project, '.liumignore'), '*.tmp\n');
  });

  it('rents, syncs with ignores, streams, passes a non-zero exit through, pulls and stops', async () => {
    const result = await world.lium(
      [
        'run',
        '--gpu',
        'H100',
        '-y',
        '--sync',
        project,
        '--pull',
        'out',
        '--pull',
        'missing.txt',
        '--',
        'mkdir -p out && sh src/train.sh && ls -a && echo to-stderr >&2 && exit 3',
      ],
      { cwd: world.sandbox.dir },
    );
    expect(result.stderr).toContain('to-stderr');
    expect(result.code).toBe(3);
    const listing = result.stdout.split('\n');
    expect(listing).toContain('src');
    expect(listing).toContain('.gitignore');
    for (const left of ['data', 'notes.tmp', '.env', '.env.local'])
      expect(listing).not.toContain(left);
    const runs = join(world.sandbox.dir, 'lium-runs');
    const [podDir] = (await import('node:fs')).readdirSync(runs);
    expect(readFileSync(join(runs, podDir as string, 'out', 'model.txt'), 'utf8')).toBe(
      'trained\n',
    );
    expect(result.stderr).toContain('Nothing to pull at missing.txt');
    expect(result.stderr).toContain('Stopped');
    expect(await pods()).toEqual([]);
  });

  it('--json prints one result object on stdout, the job output on stderr', async () => {
    const result = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--json', '--sync', project, '--', 'echo hello'],
      { cwd: world.sandbox.dir },
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      exit_code: 0,
      stopped: true,
      reused: false,
      interrupted: false,
    });
    expect(result.stderr).toContain('hello');
    expect(await pods()).toEqual([]);
  });

  it('--sync --include-env sends .env files when asked', async () => {
    const result = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--include-env', '--sync', project, '--', 'cat .env'],
      { cwd: world.sandbox.dir },
    );
    expect(result.stdout).toContain('SECRET=never-sent');
    expect(await pods()).toEqual([]);
  });

  it('--name reuses a running pod of that name instead of renting, and leaves it running', async () => {
    const up = await world.lium(['up', '--gpu', 'H100', '-y', '--name', 'exp1']);
    expect(up.code).toBe(0);
    const before = world.rents();
    const result = await world.lium(
      ['run', '--name', 'exp1', '--gpu', 'H100', '--sync', project, '--', 'echo attached'],
      { cwd: world.sandbox.dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('attached');
    expect(world.rents()).toBe(before);
    expect((await pods()).map((p) => p.name)).toEqual(['exp1']);
    expect((await world.lium(['down', 'exp1', '-y'])).code).toBe(0);
  });

  it('--detach leaves the job running and says how to follow it', async () => {
    const result = await world.lium(
      [
        'run',
        '--gpu',
        'H100',
        '-y',
        '--name',
        'bg',
        '--sync',
        project,
        '--detach',
        '--',
        'sleep 1; echo done',
      ],
      { cwd: world.sandbox.dir },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('tail -f');
    expect(result.stderr).toContain('lium run --attach');
    expect((await pods()).map((p) => p.name)).toEqual(['bg']);
    expect((await world.lium(['down', 'bg', '-y'])).code).toBe(0);
  });

  it('--attach follows a detached job to its end, passes its exit code, pulls and stops', async () => {
    const job = 'echo begin; sleep 2; mkdir -p out; echo result > out/r.txt; echo end; exit 4';
    const started = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--name', 'bg2', '--sync', project, '--detach', '--', job],
      { cwd: world.sandbox.dir },
    );
    expect(started.code, started.stderr).toBe(0);
    const pullDir = join(world.sandbox.dir, 'attached-runs');
    const attached = await world.lium(
      ['run', '--attach', 'bg2', '--pull', 'out', '--pull-dir', pullDir, '--json'],
      { cwd: world.sandbox.dir },
    );
    expect(attached.code, `${attached.stderr}\n---\n${attached.stdout}`).toBe(4);
    // With --json the job's output goes to stderr, the result to stdout.
    expect(attached.stderr).toContain('begin');
    expect(attached.stderr).toContain('end');
    const parsed = JSON.parse(attached.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ attached: true, exit_code: 4, stopped: true });
    const [podDir] = (await import('node:fs')).readdirSync(pullDir);
    expect(readFileSync(join(pullDir, podDir as string, 'out', 'r.txt'), 'utf8')).toBe('result\n');
    expect(await pods()).toEqual([]);
  });

  it('--name of a pod whose detached job still runs follows it instead of renting or starting again', async () => {
    const started = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--name', 'exp2', '--detach', '--', 'sleep 3; echo finished'],
      { cwd: world.sandbox.dir },
    );
    expect(started.code, started.stderr).toBe(0);
    const before = world.rents();
    const again = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--name', 'exp2', '--', 'echo started-twice'],
      { cwd: world.sandbox.dir },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(world.rents()).toBe(before);
    expect(again.stdout).toContain('finished');
    expect(again.stdout).not.toContain('started-twice');
    expect(again.stderr).toContain('is not started again');
    expect(await pods()).toEqual([]);
  });

  it('Ctrl-C while attached pulls what exists and stops the pod, as during a run', async () => {
    const job = 'echo partial > partial.txt; echo waiting; sleep 60;';
    const started = await world.lium(
      ['run', '--gpu', 'H100', '-y', '--name', 'bg3', '--detach', '--', job],
      { cwd: world.sandbox.dir },
    );
    expect(started.code, started.stderr).toBe(0);
    const interrupt = new AbortController();
    const pullDir = join(world.sandbox.dir, 'attached-ctrl-c');
    const running = world.lium(
      ['run', '--attach', 'bg3', '--pull', 'partial.txt', '--pull-dir', pullDir],
      { cwd: world.sandbox.dir, signal: interrupt.signal },
    );
    // The follow loop reads the log once a second: give it time to show the first line.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    interrupt.abort();
    const result = await running;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toContain('waiting');
    expect(result.stderr).toContain('stopping the command, pulling what exists');
    const [podDir] = (await import('node:fs')).readdirSync(pullDir);
    expect(existsSync(join(pullDir, podDir as string, 'partial.txt'))).toBe(true);
    expect(await pods()).toEqual([]);
  });

  it('--attach refuses a pod without a detached job, and a command next to it', async () => {
    expect((await world.lium(['up', '--gpu', 'H100', '-y', '--name', 'plain'])).code).toBe(0);
    const none = await world.lium(['run', '--attach', 'plain']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no job started by a detached run');
    expect((await pods()).map((p) => p.name)).toEqual(['plain']);
    const both = await world.lium(['run', '--attach', 'plain', '--', 'true']);
    expect(both.code).toBe(2);
    expect((await world.lium(['down', 'plain', '-y'])).code).toBe(0);
  });

  it('a 404 on rent says the machine is gone and to look again (issue #11 item 11)', async () => {
    world.emulator.control.addFault({
      method: 'POST',
      path: '/executors/*/rent',
      status: 404,
      body: { detail: 'Executor not found' },
    });
    const result = await world.lium(['run', '--gpu', 'H100', '-y', '--', 'true']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Executor not found');
    expect(result.stderr).toContain('`lium ls`');
    expect(await pods()).toEqual([]);
  });

  it('refuses bad input with one line and rents nothing', async () => {
    const before = world.rents();
    const noCommand = await world.lium(['run', '--gpu', 'H100', '-y']);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('Give the command');
    const noTarget = await world.lium(['run', '-y', '--', 'true']);
    expect(noTarget.code).toBe(2);
    const badSync = await world.lium([
      'run',
      '--gpu',
      'H100',
      '-y',
      '--sync',
      'nope',
      '--',
      'true',
    ]);
    expect(badSync.code).not.toBe(0);
    expect(badSync.stderr).not.toContain('    at ');
    expect(world.rents()).toBe(before);
  });

  it('Ctrl-C while the command runs stops it, pulls what exists and stops the pod', async () => {
    const interrupt = new AbortController();
    const running = world.lium(
      [
        'run',
        '--gpu',
        'H100',
        '-y',
        '--sync',
        project,
        '--pull',
        'partial.txt',
        '--',
        'echo partial > partial.txt; echo started; sleep 30',
      ],
      { cwd: world.sandbox.dir, signal: interrupt.signal },
    );
    const before = world.rents();
    await until(() => world.rents() > before);
    // Ready after 100 ms, then the sync: by now the command is sleeping.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted during run');
    expect(result.stderr).toContain('stopping the command, pulling what exists');
    expect(result.stdout).toContain('started');
    expect(await pods()).toEqual([]);
    const runs = join(world.sandbox.dir, 'lium-runs');
    const found = (await import('node:fs'))
      .readdirSync(runs)
      .some((dir) => existsSync(join(runs, dir, 'partial.txt')));
    expect(found).toBe(true);
  });
});

describe('lium run: Ctrl-C while renting or waiting leaves no pod behind', () => {
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 60_000 });

  it('stops the pod it was waiting for and exits 130', async () => {
    const interrupt = new AbortController();
    const running = world.lium(['run', '--gpu', 'H100', '-y', '--name', 'w', '--', 'true'], {
      signal: interrupt.signal,
    });
    const before = world.rents();
    await until(() => world.rents() > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as unknown[];
    expect(pods).toEqual([]);
  });

  it('stops a pod whose rent was still in flight', async () => {
    world.emulator.control.addFault({
      method: 'POST',
      path: '/executors/*/rent',
      latencyMs: 1_500,
    });
    const interrupt = new AbortController();
    const running = world.lium(['run', '--gpu', 'H100', '-y', '--name', 'f', '--', 'true'], {
      signal: interrupt.signal,
    });
    const before = world.rents();
    await until(() => world.rents() > before);
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('f');
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as unknown[];
    expect(pods).toEqual([]);
  });
});
