import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';
import { ensureBuilt, liumInPty, plain } from './pty.ts';

describe('in a terminal: Ctrl-C and "No"', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 0 });
  const tty = (args: string[]) =>
    liumInPty(args, { env: world.env, cwd: world.sandbox.dir, columns: 100 });

  beforeAll(async () => {
    ensureBuilt();
    await world.lium(['ls', '--limit', '3']);
    const up = await world.lium(['up', '1,2', '-y', '--prefix', 'cc']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);

  it('Ctrl-C during `exec all` ends within a second: one "Interrupted" line, exit 130', async () => {
    const run = tty(['exec', 'all', '--', 'sh', '-c', 'echo started; sleep 30']);
    await run.waitFor(/started[\s\S]*started/);
    run.type('\u0003');
    const { code, sinceLastKeyMs } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(130);
    expect(sinceLastKeyMs, shown).toBeLessThan(1_000);
    expect(shown.match(/Interrupted/g), shown).toHaveLength(1);
    expect(shown).not.toMatch(/aborted/i);
  }, 60_000);

  it('scp of one file to several pods shows a progress line per pod, then each result', async () => {
    writeFileSync(join(world.sandbox.dir, 'data.bin'), randomBytes(24 * 1024 * 1024));
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { huid: string }[];
    const run = tty(['scp', 'data.bin', 'all:/root/']);
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    for (const { huid } of pods) {
      // A bar line for this pod (bytes of the total) before its result line.
      const bar = shown.search(new RegExp(`data\\.bin → ${huid} .*\\d+% .*MB/\\d+ MB`));
      expect(bar, shown).toBeGreaterThanOrEqual(0);
      expect(shown.indexOf(`Uploaded data.bin to ${huid}`, bar), shown).toBeGreaterThan(bar);
    }
    expect(shown).toContain('Copied on 2 pods');
  }, 120_000);

  it('rsync shows bytes and rate while it runs and when it is done', async () => {
    mkdirSync(join(world.sandbox.dir, 'tree'), { recursive: true });
    writeFileSync(join(world.sandbox.dir, 'tree', 'blob.bin'), randomBytes(24 * 1024 * 1024));
    const run = tty(['rsync', 'tree/', 'all:/root/tree/']);
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    expect(shown, shown).toMatch(/\d+% [\d.]+ [kMG]?B\/[\d.]+ [kMG]?B [\d.]+ [kMG]?B\/s/);
    expect(
      shown.match(/Synced 1 file to .*MB in [\d.]+ s, [\d.]+ [kMG]?B\/s/g),
      shown,
    ).toHaveLength(2);
  }, 120_000);

  it('a missing remote file says it does not exist, not "retry"', async () => {
    const result = await world.lium(['scp', 'all', '-d', '/root/nope.txt', 'got/']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/root/nope.txt does not exist on the pod');
    expect(result.stderr).not.toMatch(/retry/i);
    const one = await world.lium(['scp', '1:/root/nope.txt', './']);
    expect(one.stderr).toContain('does not exist on the pod');
  });

  it('a deliberate "No" at a prompt is plain "Cancelled", exit 1, not red', async () => {
    const run = tty(['down', '1']);
    await run.waitFor('?');
    run.type('n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.type('\r');
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(1);
    expect(shown).toContain('Cancelled');
    expect(run.output()).not.toContain('\u001b[31m');
    expect(shown).not.toContain('✘');
  }, 60_000);
});
