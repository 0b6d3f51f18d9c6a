import { type Emulator, startEmulator } from '@lium/emulator';
import { freePort } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuilt, runBuiltInShell } from './built-cli.ts';
import { makeSandbox, type Sandbox } from './helpers.ts';

/*
 * The command forms issues #15, #16 and #18 write, run through the built `lium` as a new user
 * types them (no TTY), for what an acceptance sweep found different from the issue text.
 */

let emulator: Emulator;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBuilt();
  emulator = await startEmulator({ executors: 12, readyDelayMs: 200 });
  sandbox = makeSandbox();
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  sandbox?.cleanup();
});

const lium = (args: string[]) =>
  runBuilt(args, {
    ...sandbox.env,
    LIUM_API_KEY: emulator.apiKey,
    LIUM_BASE_URL: emulator.baseUrl,
  });

describe('lium topup create', () => {
  it('takes the token standard people know (TRC20) for the network the server calls tron', async () => {
    const args = ['topup', 'create', '--amount', '20', '--currency', 'USDT', '--network', 'TRC20'];
    const human = await lium(args);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Address: {2}\S+$/m);
    const json = await lium([...args, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ currency: 'USDT', network: 'tron' });
    const bodies = emulator.control
      .requests({ method: 'POST', path: '/tmc-pay/create-invoice' })
      .map((call) => call.body);
    expect(bodies).toContainEqual(
      expect.objectContaining({ crypto_currency: 'USDT', crypto_network: 'tron' }),
    );
  });
});

/** The built `lium` as a script runs it: each command its own `sh -c`, a shell that then exits. */
const inShell = (args: string[]) =>
  runBuiltInShell(args, {
    ...sandbox.env,
    LIUM_API_KEY: emulator.apiKey,
    LIUM_BASE_URL: emulator.baseUrl,
  });

describe('indices from `lium ps` across `sh -c` commands', () => {
  it('mean the newest list any exited shell printed', async () => {
    expect((await inShell(['ls', '--limit', '3'])).code).toBe(0);
    expect((await inShell(['up', '1', '-y', '--name', 'first'])).code).toBe(0);
    expect((await inShell(['ps'])).code).toBe(0);
    expect((await inShell(['ls', '--limit', '3'])).code).toBe(0);
    expect((await inShell(['up', '1', '-y', '--name', 'second'])).code).toBe(0);
    const ps = await inShell(['ps', '--json']);
    const rows = JSON.parse(ps.stdout) as { index: number; name: string }[];
    expect(rows).toHaveLength(2);
    const second = rows.find((row) => row.name === 'second');
    const exec = await inShell(['exec', String(second?.index), 'echo on-$(hostname)']);
    expect(exec.stderr).not.toContain('✘');
    expect(exec.code).toBe(0);
    expect(exec.stdout).toMatch(/^on-/);
  });
});

describe('lium up --volume new:…, then lium ps', () => {
  it('shows the attached volume, in the table and as JSON', async () => {
    expect((await lium(['ls', '--limit', '3'])).code).toBe(0);
    const up = await lium([
      'up',
      '1',
      '-y',
      '--name',
      'with-vol',
      '--volume',
      'new:name=v1,desc=t',
    ]);
    expect(up.code, up.stderr).toBe(0);
    const volumes = JSON.parse((await lium(['volumes', '--json'])).stdout) as {
      huid: string;
      id: string;
      name: string;
    }[];
    const volume = volumes.find((v) => v.name === 'v1');
    expect(volume).toBeDefined();
    const table = await lium(['ps']);
    expect(table.stdout).toMatch(/\bVOLUME\b/);
    expect(table.stdout).toMatch(new RegExp(`with-vol.*${volume?.huid}`));
    const rows = JSON.parse((await lium(['ps', '--json'])).stdout) as Record<string, unknown>[];
    expect(rows.find((row) => row.name === 'with-vol')).toMatchObject({
      volume_id: volume?.id,
      volume: volume?.huid,
    });
  });
});

describe('lium schedules rm N', () => {
  it('cancels row N of `lium schedules`, as the official CLI does', async () => {
    expect((await lium(['rm', 'second', '--in', '1h'])).code).toBe(0);
    expect((await lium(['rm', 'first', '--in', '2h'])).code).toBe(0);
    const table = await lium(['schedules']);
    expect(table.stdout).toMatch(/^\s*1\s+\S+ \(second\)/m);
    const rows = JSON.parse((await lium(['schedules', '--json'])).stdout) as {
      index: number;
      name: string;
    }[];
    expect(rows.map((row) => [row.index, row.name])).toEqual([
      [1, 'second'],
      [2, 'first'],
    ]);
    const cancelled = await lium(['schedules', 'rm', '1', '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual([
      expect.objectContaining({ name: 'second', cancelled: true }),
    ]);
    const left = JSON.parse((await lium(['schedules', '--json'])).stdout) as { name: string }[];
    expect(left.map((row) => row.name)).toEqual(['first']);
    const beyond = await lium(['schedules', 'rm', '5']);
    expect(beyond.code).not.toBe(0);
    expect(beyond.stderr).toContain('lium schedules');
    expect((await lium(['schedules', 'rm', 'first'])).code).toBe(0);
  });

  it('counts in the rows `lium schedules` showed, never in the list as it is now', async () => {
    expect((await lium(['rm', 'second', '--in', '2h'])).code).toBe(0);
    const shown = JSON.parse((await lium(['schedules', '--json'])).stdout) as { name: string }[];
    expect(shown.map((row) => row.name)).toEqual(['second']);
    // Another shell schedules a sooner removal: row 1 of a fresh list would now be "first".
    expect((await lium(['rm', 'first', '--in', '1h'])).code).toBe(0);
    const cancelled = await lium(['schedules', 'rm', '1', '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual([
      expect.objectContaining({ name: 'second', cancelled: true }),
    ]);
    // Row 1 as shown is no longer scheduled: refused, not moved onto "first".
    const stale = await lium(['schedules', 'rm', '1']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('no longer exists');
    const left = JSON.parse((await lium(['schedules', '--json'])).stdout) as { name: string }[];
    expect(left.map((row) => row.name)).toEqual(['first']);
    expect((await lium(['schedules', 'rm', 'first'])).code).toBe(0);
  });
});

describe('a pod that is not RUNNING', () => {
  it('says its status and to reboot it, not to wait, when it FAILED', async () => {
    const rows = JSON.parse((await lium(['ps', '--json'])).stdout) as {
      id: string;
      name: string;
    }[];
    const pod = rows.find((row) => row.name === 'with-vol');
    expect(pod).toBeDefined();
    emulator.control.failPod(pod?.id as string);
    const human = await lium(['exec', 'with-vol', 'true']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('(status FAILED)');
    expect(human.stderr).not.toContain('yet');
    expect(human.stderr).toContain('lium reboot');
    // lium's options go before the command: after it, words are the remote command's.
    const json = await lium(['exec', '--json', 'with-vol', 'true']);
    expect(json.code).toBe(1);
    const { error } = JSON.parse(json.stdout) as { error: { code: string; hint: string } };
    expect(error.code).toBe('pod_no_ssh');
    expect(error.hint).toContain(`lium reboot ${pod?.id}`);
  });
});

describe('spend guards', () => {
  it('name the limit that refused in the hint (budget.max_price)', async () => {
    expect((await lium(['config', 'set', 'budget.max_price', '0.01'])).code).toBe(0);
    try {
      expect((await lium(['ls', '--limit', '3'])).code).toBe(0);
      const refused = await lium(['up', '1', '-y', '--json']);
      expect(refused.code).toBe(1);
      const { error } = JSON.parse(refused.stdout) as { error: { code: string; hint: string } };
      expect(error.code).toBe('over_budget');
      expect(error.hint).toContain('lium config set budget.max_price N');
      expect(error.hint).not.toContain('max_hourly');
    } finally {
      await lium(['config', 'unset', 'budget.max_price']);
    }
  });
});

describe('lium jupyter on a port the pod does not map', () => {
  it('points at lium port-forward for the URL, not a bare ssh -L', async () => {
    const port = await freePort();
    const result = await lium(['jupyter', 'first', '--port', String(port)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\S*token=`, 'm'));
    const rows = JSON.parse((await lium(['ps', '--json'])).stdout) as {
      name: string;
      huid: string;
    }[];
    const huid = rows.find((row) => row.name === 'first')?.huid;
    expect(result.stderr).toContain(`lium port-forward ${huid} ${port}`);
    expect(result.stderr).not.toContain('ssh -N');
    await lium(['exec', 'first', `pkill -f 'jupyter.*${port}' || true`]);
  }, 120_000);
});
