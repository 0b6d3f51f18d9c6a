import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers.ts';

const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'lium.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('a pod whose host key changed (the built lium)', () => {
  let emulator: Emulator;
  let sandbox: Sandbox;

  /** The built `lium` as a child process (the emulator runs in this process, so never sync). */
  const lium = (args: string[], stdin = ''): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [bin, ...args],
        {
          cwd: sandbox.dir,
          timeout: 60_000,
          env: { ...sandbox.env, LIUM_API_KEY: emulator.apiKey, LIUM_BASE_URL: emulator.baseUrl },
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(stdin);
    });

  /** Reboots the pod behind lium's back with a new host key, as a rebuilt pod would have. */
  async function rekey(podId: string): Promise<void> {
    emulator.control.setPodFaults(podId, { changeHostKeyOnReboot: true });
    const before = emulator.control.pod(podId)?.hostPublicKey;
    const response = await fetch(`${emulator.baseUrl}/pods/${podId}/reboot`, {
      method: 'POST',
      headers: { 'X-API-Key': emulator.apiKey, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.ok).toBe(true);
    for (let i = 0; i < 200 && emulator.control.pod(podId)?.status !== 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(emulator.control.pod(podId)?.hostPublicKey).not.toBe(before);
  }

  let podId = '';

  beforeAll(async () => {
    emulator = await startEmulator({ executors: 10, readyDelayMs: 100 });
    sandbox = makeSandbox();
    expect((await lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await lium(['up', '1', '-y', '--name', 'keyed'])).code).toBe(0);
    const ps = JSON.parse((await lium(['ps', '--json'])).stdout) as { id: string }[];
    podId = ps[0]?.id ?? '';
    // The first connection pins the key.
    expect((await lium(['exec', 'keyed', 'true'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    sandbox?.cleanup();
  });

  it('refuses the new key showing both fingerprints, and names commands that exist', async () => {
    await rekey(podId);
    const refused = await lium(['ssh', 'keyed'], 'echo hi\nexit\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pinned ssh-ed25519 SHA256:\S+, presented ssh-ed25519 SHA256:/);
    const [pinned, presented] = [...refused.stderr.matchAll(/SHA256:[A-Za-z0-9+/]+/g)].map(
      (m) => m[0],
    );
    expect(pinned).not.toBe(presented);
    expect(refused.stderr).toContain(`lium known-hosts forget ${podId}`);
    expect(refused.stderr).toContain(`lium ssh ${podId} --reset-host-key`);
    expect(refused.stderr).not.toContain('forgetHostKey');
    // Every command it names is one lium knows.
    const help = await lium(['known-hosts', 'forget', '--help']);
    expect(help.code).toBe(0);
    expect((await lium(['ssh', '--help'])).stdout).toContain('--reset-host-key');
    // The refusal stays a refusal: nothing ran, the old pin is still there.
    expect(refused.stdout).not.toContain('hi');
    const exec = await lium(['exec', 'keyed', 'echo ran']);
    expect(exec.stdout).not.toContain('ran');
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain(`lium known-hosts forget ${podId}`);
  });

  it('`lium known-hosts forget` resets the pin, and the next connection works', async () => {
    const forgot = await lium(['known-hosts', 'forget', 'keyed', '--json']);
    expect(forgot.code).toBe(0);
    expect(JSON.parse(forgot.stdout)).toEqual([
      expect.objectContaining({
        id: podId,
        name: 'keyed',
        forgotten: true,
        fingerprints: [expect.stringMatching(/^ssh-ed25519 SHA256:/)],
      }),
    ]);
    const ran = await lium(['exec', 'keyed', 'echo ran']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe('ran\n');
    const again = await lium(['known-hosts', 'forget', 'keyed']);
    expect(again.code).toBe(0);
    expect(again.stderr + again.stdout).toMatch(/Forgot the host key pinned for .*keyed/);
    const nothing = await lium(['known-hosts', 'forget', 'keyed']);
    expect(nothing.stderr + nothing.stdout).toContain('No host key was pinned');
  });

  it('`lium ssh --reset-host-key` forgets the old key and connects', async () => {
    expect((await lium(['exec', 'keyed', 'true'])).code).toBe(0);
    await rekey(podId);
    expect((await lium(['exec', 'keyed', 'true'])).code).not.toBe(0);
    const shell = await lium(['ssh', 'keyed', '--reset-host-key'], 'echo via-shell\nexit 3\n');
    expect(shell.stderr).toContain('Forgot the host key pinned');
    expect(shell.stdout).toContain('via-shell');
    expect(shell.code).toBe(3);
    expect((await lium(['exec', 'keyed', 'echo ok'])).stdout).toBe('ok\n');
  });

  it('completes the action and the pods', async () => {
    expect((await lium(['__complete', 'known-hosts', ''])).stdout.split('\n')).toContain('forget');
    const pods = (await lium(['__complete', 'known-hosts', 'forget', ''])).stdout.split('\n');
    expect(pods).toContain('keyed');
  });

  it('`lium known-hosts` without an action is a usage error', async () => {
    const bare = await lium(['known-hosts']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('forget');
  });
});
