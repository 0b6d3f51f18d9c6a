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
