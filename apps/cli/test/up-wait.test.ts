import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';
import { ensureBuilt, liumInPty, plain } from './pty.ts';

describe('up: waiting, a line per pod, and one pod failing', () => {
  // Long enough to see the phases go by; pods are real SSH servers after that.
  const world = useEmulatorWorld({ executors: 8, readyDelayMs: 5_000 });
  const tty = (args: string[]) =>
    liumInPty(args, { env: world.env, cwd: world.sandbox.dir, columns: 100 });

  beforeAll(async () => {
    ensureBuilt();
    await world.lium(['ls', '--limit', '6']);
  }, 60_000);

  it('shows each pod with its phase and the elapsed time, then the ready lines', async () => {
    const run = tty(['up', '1,2', '-y', '--prefix', 'w']);
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as {
      huid: string;
      name: string;
    }[];
    expect(pods).toHaveLength(2);
    for (const { huid, name } of pods) {
      // `HUID (name)  phase  elapsed` while waiting, then `HUID (name) is ready` and its ssh line.
      expect(shown, shown).toMatch(
        new RegExp(
          `${huid} \\(${name}\\)  (queued|preparing node|connecting to node|pulling image|starting container|configuring ssh|pending|SSH check)  \\d+s`,
        ),
      );
      expect(shown).toContain(`✔ ${huid} (${name}) is ready`);
      expect(shown).toContain(`ssh: lium ssh ${huid}`);
    }
    expect((await world.lium(['down', 'all', '-y'])).code).toBe(0);
  }, 120_000);

  it('up 1,2 where one fails: the healthy ready line and ssh command, and the reason for the other', async () => {
    await world.lium(['ls', '--limit', '6']);
    world.emulator.control.failNextRents(1);
    const result = await world.lium(['up', '3,4', '-y', '--prefix', 'half']);
    expect(result.code, result.stderr).toBe(1);
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as {
      huid: string;
      name: string;
      status: string;
    }[];
    const healthy = pods.find((pod) => pod.status === 'RUNNING');
    const failed = pods.find((pod) => pod.status !== 'RUNNING');
    expect(healthy, JSON.stringify(pods)).toBeDefined();
    expect(result.stderr).toContain(`✔ ${healthy?.huid} (${healthy?.name}) is ready`);
    expect(result.stderr).toContain(`ssh: lium ssh ${healthy?.huid}`);
    if (failed) {
      // One identifier per pod, the same way everywhere: HUID (name).
      expect(result.stderr).toMatch(
        new RegExp(`✘ ${failed.huid} \\(${failed.name}\\): .*fail`, 'i'),
      );
      expect(result.stderr).toContain(`lium down ${failed.huid}`);
    } else {
      expect(result.stderr).toMatch(/✘ .*half-.*fail/i);
    }
    await world.lium(['down', 'all', '-y']);
  }, 120_000);
});
