import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSI, useEmulatorWorld } from './helpers.ts';

interface PodRowJson {
  id: string;
  huid: string;
  name: string;
  status: string;
}

describe('several pods, terminals and completion', () => {
  const world = useEmulatorWorld({ executors: 40, readyDelayMs: 100 });
  let pods: PodRowJson[];
  const lium = (argv: string[], options: { tty?: boolean; env?: Record<string, string> } = {}) =>
    world.lium(argv, options);

  it('ls colours its table on a terminal only', async () => {
    const tty = await lium(['ls', '--limit', '3'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(ANSI);
    const piped = await lium(['ls', '--limit', '3']);
    expect(piped.stdout).not.toMatch(ANSI);
    expect(piped.stderr).not.toMatch(ANSI);
    // JSON is never coloured, even on a terminal with colour forced.
    const json = await lium(['ls', '--limit', '3', '--json'], {
      tty: true,
      env: { FORCE_COLOR: '1' },
    });
    expect(json.stdout).not.toMatch(ANSI);
    expect(JSON.parse(json.stdout)).toHaveLength(3);
  });

  it('up 1,2 rents two pods, drawing live lines only on a terminal', async () => {
    const result = await lium(['up', '1,2', '-y', '--prefix', 'exp'], { tty: true });
    expect(result.stderr).not.toContain('✘');
    expect(result.code).toBe(0);
    // A line per pod, redrawn in place (cursor up N lines).
    expect(result.stderr).toContain('\u001b[2F');
    expect(result.stderr).toContain('2 pods ready');
    const listed = await lium(['ps', '--json']);
    pods = JSON.parse(listed.stdout) as PodRowJson[];
    expect(pods).toHaveLength(2);
    expect(pods.every((pod) => pod.name.startsWith('exp-') && pod.status === 'RUNNING')).toBe(true);
    const plain = await lium(['ps']);
    expect(plain.stderr).not.toContain('\r');
  });

  it('ps TARGET shows only that pod, with its index', async () => {
    const result = await lium(['ps', '2', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as (PodRowJson & { index: number })[];
    expect(rows).toEqual([expect.objectContaining({ index: 2, huid: pods[1]?.huid })]);
  });

  it('exec all prefixes each line with its pod and exits with the first failing code', async () => {
    const second = pods[1] as PodRowJson;
    const result = await lium([
      'exec',
      'all',
      `echo "hi from $(hostname)"; if [ "$(hostname)" = "${second.id}" ]; then exit 4; fi`,
    ]);
    expect(result.code).toBe(4);
    for (const pod of pods) {
      expect(result.stdout).toMatch(new RegExp(`^${pod.huid}\\s*│ hi from ${pod.id}$`, 'm'));
    }
    expect(result.stderr).toContain(`exited with 4`);
    const oneAtATime = await lium(['exec', 'all', '--concurrency', '1', 'echo ok']);
    expect(oneAtATime.code).toBe(0);
    expect(oneAtATime.stdout.match(/│ ok$/gm)).toHaveLength(2);
    expect((await lium(['exec', 'all', '--concurrency', '0', 'true'])).code).toBe(2);
  });

  it('scp to several pods, then download from all into <huid>/<name>, rsync’s layout too', async () => {
    const local = join(world.sandbox.dir, 'notes.txt');
    writeFileSync(local, 'shared notes\n');
    expect((await lium(['scp', '1,2', local])).code).toBe(0);
    const into = join(world.sandbox.dir, 'collected');
    const result = await lium(['scp', 'all', '-d', '/root/notes.txt', into]);
    expect(result.code).toBe(0);
    for (const pod of pods) {
      expect(readFileSync(join(into, pod.huid, 'notes.txt'), 'utf8')).toBe('shared notes\n');
    }
  });

  it('rsync all:/path pulls each pod into its own <huid>/ directory', async () => {
    const src = join(world.sandbox.dir, 'logs-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'run.log'), 'ok\n');
    writeFileSync(join(src, 'scratch.tmp'), 'skip me\n');
    expect((await lium(['rsync', '--exclude', '*.tmp', `${src}/`, 'all:/root/logs/'])).code).toBe(
      0,
    );
    const dest = join(world.sandbox.dir, 'logs');
    const began = performance.now();
    const pull = await lium(['rsync', 'all:/root/logs/', `${dest}/`, '--json']);
    const elapsedMs = performance.now() - began;
    expect(pull.code).toBe(0);
    const rows = JSON.parse(pull.stdout) as {
      pod: string;
      transferred: string[];
      duration_ms: number;
    }[];
    expect(rows).toHaveLength(2);
    // Each pod's own time, within the command's.
    for (const row of rows) {
      expect(row.duration_ms).toBeGreaterThan(0);
      expect(row.duration_ms).toBeLessThanOrEqual(elapsedMs);
    }
    for (const pod of pods) {
      expect(existsSync(join(dest, pod.huid, 'run.log'))).toBe(true);
      expect(existsSync(join(dest, pod.huid, 'scratch.tmp'))).toBe(false);
    }
  });

  it('completion lists commands, options and pod HUIDs and names', async () => {
    const commands = (await lium(['__complete', ''])).stdout.split('\n');
    expect(commands).toEqual(expect.arrayContaining(['ls', 'up', 'exec', 'rm']));
    const podWords = (await lium(['__complete', 'exec', ''])).stdout.split('\n');
    for (const pod of pods) expect(podWords).toEqual(expect.arrayContaining([pod.huid, pod.name]));
    const prefixed = (await lium(['__complete', 'ssh', 'exp-'])).stdout.trim().split('\n');
    expect(prefixed.every((word) => word.startsWith('exp-'))).toBe(true);
    const options = (await lium(['__complete', 'exec', '--e'])).stdout.split('\n');
    expect(options).toContain('--env');
    const script = await lium(['completion', 'bash']);
    expect(script.stdout).toContain('complete -o default -F _lium_completions lium');
    expect((await lium(['completion', 'zsh'])).stdout).toContain('compdef _lium lium');
  });

  it('templates lists and filters templates', async () => {
    const all = JSON.parse((await lium(['templates', '--json'])).stdout) as {
      name: string;
      image: string;
    }[];
    expect(all.length).toBeGreaterThan(0);
    const human = await lium(['templates', 'pytorch']);
    expect(human.code).toBe(0);
    expect(human.stdout.toLowerCase()).toContain('pytorch');
  });

  it('down all -y stops every pod', async () => {
    const result = await lium(['down', 'all', '-y', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { stopped: unknown[]; failed: unknown[] };
    expect(body.stopped).toHaveLength(2);
    expect(body.failed).toEqual([]);
  });

  it('up --gpu picks the best matching machine and --ttl schedules its removal', async () => {
    const result = await lium(['up', '--gpu', 'H100', '-y', '--ttl', '2h', '--json']);
    expect(result.stderr).not.toContain('✘');
    expect(result.code).toBe(0);
    const [pod] = JSON.parse(result.stdout) as (PodRowJson & {
      gpu_type: string;
      removal_scheduled_at: string | null;
    })[];
    expect(pod?.gpu_type).toBe('H100');
    const listed = JSON.parse((await lium(['ps', '--json'])).stdout) as {
      removal_scheduled_at: string | null;
    }[];
    expect(listed[0]?.removal_scheduled_at).toBeTruthy();
    expect((await lium(['down', '--all', '-y'])).code).toBe(0);
  });
});
