/**
 * `lium up` over the SDK's product logic: one market listing per run, indices that mean the
 * same pods to the next command, and Ctrl-C (twice) never leaving a rented pod unnamed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin', 'lium.js');

interface PsRow {
  index: number;
  id: string;
  name: string;
}

describe('lium up lists the market once', () => {
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 0 });
  const listings = () =>
    world.emulator.control.requests({ method: 'GET', path: '/executors' }).length;

  it('sends one GET /executors for `up 1` and one for `up 2,3`', async () => {
    expect((await world.lium(['ls', '--limit', '4'])).code).toBe(0);
    let before = listings();
    const one = await world.lium(['up', '1', '-y', '--no-wait', '--name', 'count-one']);
    expect(one.code, one.stderr).toBe(0);
    expect(listings() - before).toBe(1);

    expect((await world.lium(['ls', '--limit', '4'])).code).toBe(0);
    before = listings();
    const two = await world.lium(['up', '2,3', '-y', '--no-wait', '--prefix', 'count-two']);
    expect(two.code, two.stderr).toBe(0);
    expect(listings() - before).toBe(1);
  });

  it('`up --gpu` rents row 1 of `ls` for the same GPU', async () => {
    const ls = JSON.parse((await world.lium(['ls', 'RTX4090', '--json'])).stdout) as {
      id: string;
    }[];
    if (ls.length === 0) return;
    const up = await world.lium(['up', '--gpu', 'RTX4090', '-y', '--no-wait', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as {
      name: string;
    }[];
    const [row1] = ls;
    // The pod is named after the executor's HUID; the rent went to row 1's executor.
    const rents = world.emulator.control.requests({ method: 'POST', path: '/executors/*/rent' });
    expect(rents.at(-1)?.path).toContain(row1?.id);
    expect(pods.length).toBeGreaterThan(0);
  });

  it('a 404 on rent says to list the machines again (issue #11 item 11)', async () => {
    expect((await world.lium(['ls', '--limit', '8'])).code).toBe(0);
    world.emulator.control.addFault({
      method: 'POST',
      path: '/executors/*/rent',
      status: 404,
      body: { detail: 'Executor not found' },
    });
    const up = await world.lium(['up', '8', '-y', '--no-wait', '--name', 'gone-away']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('Executor not found');
    expect(up.stderr).toContain('lium ls');
  });

  it('prints indices that the next command resolves to the same pods (issue #11 item 3)', async () => {
    expect((await world.lium(['ls', '--limit', '8'])).code).toBe(0);
    const up = await world.lium(['up', '7', '-y', '--no-wait', '--json', '--name', 'indexed']);
    expect(up.code, up.stderr).toBe(0);
    const [printed] = JSON.parse(up.stdout) as PsRow[];
    expect(printed?.name).toBe('indexed');
    // Without another `ps`, index-based commands resolve through what `up` remembered.
    const resolved = await world.lium(['ps', String(printed?.index), '--json']);
    const rows = JSON.parse(resolved.stdout) as PsRow[];
    expect(rows.map((row) => row.id)).toEqual([printed?.id]);
  });
});

describe('two Ctrl-C during `lium up` (issue #11 item 1)', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 8_000 });

  it('names every rented pod and how to stop it before exiting', async () => {
    if (!existsSync(join(cliDir, 'dist', 'main.js'))) throw new Error('build the CLI first');
    const ls = JSON.parse((await world.lium(['ls', '--json'])).stdout) as { huid: string }[];
    const target = ls[0]?.huid as string;
    world.emulator.control.addFault({ method: 'DELETE', path: '/pods/*', latencyMs: 3_000 });
    const child = spawn(process.execPath, [bin, 'up', target, '-y', '--name', 'twice'], {
      env: world.env,
      cwd: world.sandbox.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const deadline = Date.now() + 20_000;
    while (world.rents() === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 500)); // the rent answered, `up` is waiting
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('twice');
    expect(stderr).toContain('lium down');
    world.emulator.control.clearFaults();
    // Clean up what the interrupted run left.
    await world.lium(['down', 'twice', '-y']);
  }, 60_000);
});
