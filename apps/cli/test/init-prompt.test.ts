import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';
import { ensureBuilt, liumInPty, plain } from './pty.ts';

describe('lium init, as people get it wrong', () => {
  const world = useEmulatorWorld({ executors: 2, readyDelayMs: 0 });
  const noKey = { LIUM_API_KEY: undefined };

  it('a wrong key at the prompt asks again, and the right one is saved', async () => {
    ensureBuilt();
    const { LIUM_API_KEY: _unused, ...env } = world.env;
    const run = liumInPty(['init', '--ssh-key', world.sandbox.keyPath], {
      env,
      cwd: world.sandbox.dir,
    });
    await run.waitFor('API key');
    run.type('wrong-key-1\r');
    await run.waitFor('try again (2 tries left)');
    run.type(`${world.emulator.apiKey}\r`);
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    expect(shown).toContain('API key works');
    expect(shown).not.toContain('wrong-key-1');
  }, 150_000);

  it('without a terminal and without a key, says how to pass one', async () => {
    // A config dir of its own: the test above saved a key in the sandbox's.
    const env = { ...noKey, LIUM_CONFIG_DIR: join(world.sandbox.dir, 'fresh-config') };
    const result = await world.lium(['init'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('set LIUM_API_KEY=<key> and run `lium init` again');
  });

  it('--ssh-key /nope names the flag, not ssh.key_path', async () => {
    const result = await world.lium(['init', '--ssh-key', '/nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--ssh-key /nope: no SSH key there');
    expect(result.stderr).not.toContain('ssh.key_path');
  });
});
