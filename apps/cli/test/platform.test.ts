import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

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
