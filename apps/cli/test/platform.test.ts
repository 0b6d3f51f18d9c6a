import { beforeAll, describe, expect, it } from 'vitest';
import { until, useEmulatorWorld } from './helpers.ts';

describe('lium logs', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });
  let podId = '';

  beforeAll(async () => {
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'logger'])).code).toBe(0);
    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { id: string }[];
    podId = ps[0]?.id ?? '';
    for (let i = 1; i <= 5; i++) world.emulator.control.appendPodLog(podId, `line ${i}`);
  }, 60_000);

  it('prints the last N lines, and JSON Lines with --json', async () => {
    const plain = await world.lium(['logs', 'logger', '-n', '2']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('line 4\nline 5\n');
    const json = await world.lium(['logs', '1', '--tail', '2', '--json']);
    expect(json.code).toBe(0);
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pod_id: string; line: string });
    expect(rows.map((row) => row.line)).toEqual(['line 4', 'line 5']);
    expect(rows[0]?.pod_id).toBe(podId);
  });

  it('follows new lines until Ctrl-C, then exits 130 without an error line', async () => {
    const interrupt = new AbortController();
    const running = world.lium(['logs', 'logger', '-f', '-n', '1'], { signal: interrupt.signal });
    const requests = () =>
      world.emulator.control.requests({ method: 'GET', path: `/pods/${podId}/logs` }).length;
    const before = requests();
    await until(() => requests() > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    world.emulator.control.appendPodLog(podId, 'line 6');
    await new Promise((resolve) => setTimeout(resolve, 300));
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('line 5\nline 6\n');
    expect(result.stderr).not.toMatch(/interrupt|error/i);
  });

  it('reconnects after the stream drops without repeating lines', async () => {
    world.emulator.control.addFault({
      method: 'GET',
      path: '/pods/*/logs',
      dropStreamAfterBytes: 40,
    });
    const result = await world.lium(['logs', 'logger', '-n', '3']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('line 4\nline 5\nline 6\n');
    expect(result.stderr).toContain('reconnecting');
  });

  it('names what exists for an unknown pod', async () => {
    const result = await world.lium(['logs', 'no-such-pod', '--json']);
    expect(result.code).not.toBe(0);
    const body = JSON.parse(result.stdout) as { error: { code: string } };
    expect(body.error.code).toBe('target_not_found');
  });
});

describe('lium reboot', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 200 });
  let podId = '';

  beforeAll(async () => {
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'booter'])).code).toBe(0);
    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { id: string }[];
    podId = ps[0]?.id ?? '';
  }, 60_000);

  const reboots = () =>
    world.emulator.control.requests({ method: 'POST', path: `/pods/${podId}/reboot` }).length;

  it('refuses without a terminal unless -y, and rebooting nothing', async () => {
    const refused = await world.lium(['reboot', 'booter']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect(reboots()).toBe(0);
    const usage = await world.lium(['reboot']);
    expect(usage.code).toBe(2);
  });

  it('reboots, waits until SSH answers, and the pod still runs commands', async () => {
    const result = await world.lium(['reboot', 'booter', '-y', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      rebooted: { id: string; ready: boolean; status: string }[];
      failed: unknown[];
    };
    expect(body.rebooted).toEqual([
      expect.objectContaining({ id: podId, ready: true, status: 'RUNNING' }),
    ]);
    expect(body.failed).toEqual([]);
    expect(reboots()).toBe(1);
    expect((await world.lium(['exec', 'booter', 'true'])).code).toBe(0);
  }, 60_000);

  it('--no-wait returns while the pod is coming back', async () => {
    const result = await world.lium(['reboot', '1', '-y', '--no-wait']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('rebooting');
    await until(() => world.emulator.control.pod(podId)?.status === 'RUNNING');
  }, 60_000);

  it('fails with the pod named when SSH never answers again', async () => {
    world.emulator.control.setPodFaults(podId, { refuseConnections: true });
    const result = await world.lium(['reboot', 'booter', '-y', '--wait-timeout', '3s']);
    world.emulator.control.setPodFaults(podId, { refuseConnections: false });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('booter');
    expect(result.stderr).toContain('did not come back');
  }, 60_000);
});

describe('lium volumes and lium balance', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });

  it('creates, lists (by index) and deletes volumes, asking first', async () => {
    const created = await world.lium(['volumes', 'new', 'data', '-d', 'training set', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const volume = JSON.parse(created.stdout) as { id: string; name: string; description: string };
    expect(volume).toMatchObject({ name: 'data', description: 'training set' });
    expect((await world.lium(['volumes', 'new', 'scratch'])).stderr).toContain('scratch');

    const listed = await world.lium(['volumes', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { index: number; name: string }[];
    expect(rows.map((row) => row.name).sort()).toEqual(['data', 'scratch']);
    const human = await world.lium(['volumes', 'list']);
    expect(human.stdout).toContain('data');

    const refused = await world.lium(['volumes', 'rm', 'data']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');

    const first = rows.find((row) => row.index === 1);
    const removed = await world.lium(['volumes', 'rm', '1', '-y', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    const body = JSON.parse(removed.stdout) as { deleted: { name: string }[]; failed: unknown[] };
    expect(body.deleted.map((v) => v.name)).toEqual([first?.name]);
    const left = JSON.parse((await world.lium(['volumes', '--json'])).stdout) as unknown[];
    expect(left).toHaveLength(1);
  });

  it('names what exists for an unknown volume', async () => {
    const result = await world.lium(['volumes', 'rm', 'nope', '-y']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('No volume matches "nope"');
    expect(result.stderr).toContain('scratch');
  });

  it('shows the balance, the hourly spend and the runway', async () => {
    world.emulator.control.setBalance(100);
    const idle = await world.lium(['balance', '--json']);
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.stdout)).toMatchObject({
      balance_usd: 100,
      billed_pods: 0,
      runway_hours: null,
    });
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'payer'])).code).toBe(0);
    const json = JSON.parse((await world.lium(['balance', '--json'])).stdout) as {
      balance_usd: number;
      hourly_usd: number;
      billed_pods: number;
      runway_hours: number;
    };
    expect(json.billed_pods).toBe(1);
    expect(json.hourly_usd).toBeGreaterThan(0);
    expect(json.runway_hours).toBeCloseTo(json.balance_usd / json.hourly_usd, 5);
    const human = await world.lium(['balance']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\$\d+\.\d\d, \$\d+\.\d\d\/h across 1 pod → about \S/);
  }, 60_000);
});

describe('lium schedules', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });

  it('lists a removal set with up --ttl, and rm cancels it', async () => {
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'timed', '--ttl', '2h'])).code).toBe(0);
    const listed = await world.lium(['schedules', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { name: string; in_seconds: number }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe('timed');
    expect(rows[0]?.in_seconds).toBeGreaterThan(7000);
    expect((await world.lium(['schedules'])).stdout).toContain('timed');
    const cancelled = await world.lium(['schedules', 'rm', 'timed', '--json']);
    expect(JSON.parse(cancelled.stdout)).toEqual([expect.objectContaining({ cancelled: true })]);
    expect(JSON.parse((await world.lium(['schedules', '--json'])).stdout)).toEqual([]);
    expect((await world.lium(['schedules'])).stderr).toContain('No pod has a scheduled removal');
  }, 60_000);
});

describe('lium rm --in/--at', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });

  it('schedules the removal instead of stopping, and refuses a bad time before sending', async () => {
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'later'])).code).toBe(0);
    const bad = await world.lium(['rm', 'later', '--in', 'soon']);
    expect(bad.code).toBe(2);
    const result = await world.lium(['rm', 'later', '--in', '2h', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as { scheduled: { name: string }[] };
    expect(body.scheduled.map((p) => p.name)).toEqual(['later']);
    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { name: string }[];
    expect(ps.map((p) => p.name)).toEqual(['later']);
    const rows = JSON.parse((await world.lium(['schedules', '--json'])).stdout) as unknown[];
    expect(rows).toHaveLength(1);
  }, 60_000);
});
