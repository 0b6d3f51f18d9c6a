import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
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
    // Typed once the new prompt is active (◆): keys typed before it takes the terminal raw
    // reach it through the line discipline, Enter as a newline it does not take for Enter.
    await run.waitFor(/try again \(2 tries left\)[\s\S]*◆\s+Lium API key/);
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

  /** A HOME without any SSH key, so init offers to create one. */
  const keyless = (name: string) => {
    const home = join(world.sandbox.dir, name);
    mkdirSync(home, { recursive: true });
    const { LIUM_API_KEY: _unused, ...env } = world.env;
    return { home, env: { ...env, HOME: home, LIUM_CONFIG_DIR: join(home, '.lium') } };
  };

  const initUntilPassphrase = async (env: Record<string, string>) => {
    ensureBuilt();
    const run = liumInPty(['init'], { env, cwd: world.sandbox.dir, columns: 80 });
    await run.waitFor('API key');
    run.type(`${world.emulator.apiKey}\r`);
    await run.waitFor('Create');
    run.type('y\r');
    await run.waitFor(/◆\s+Passphrase for the new key \(empty for none/);
    return run;
  };

  it('offers a passphrase for a new key (hidden, asked twice), and lium uses the key with LIUM_SSH_PASSPHRASE', async () => {
    const { home, env } = keyless('home-pass');
    const run = await initUntilPassphrase(env);
    // Each answer once its prompt is active (◆; a prompt answered turns into ◇).
    run.type('s3cret-words\r');
    await run.waitFor(/◆\s+The same passphrase again/);
    run.type('typo\r');
    await run.waitFor(/try again \(2 tries left\)[\s\S]*◆\s+Passphrase for the new key/);
    run.type('s3cret-words\r');
    await run.waitFor(/tries left[\s\S]*◆\s+The same passphrase again/);
    run.type('s3cret-words\r');
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    expect(shown).toContain('(encrypted with your passphrase)');
    expect(shown).toContain('LIUM_SSH_PASSPHRASE');
    // Hidden: never echoed.
    expect(shown).not.toContain('s3cret-words');
    const key = join(home, '.ssh', 'id_ed25519');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(`${key}.pub`).mode & 0o777).toBe(0o644);
    // OpenSSH reads it with the passphrase only.
    const pub = execFileSync('ssh-keygen', ['-y', '-P', 's3cret-words', '-f', key], {
      encoding: 'utf8',
    });
    expect(pub).toMatch(/^ssh-ed25519 /);
    expect(() =>
      execFileSync('ssh-keygen', ['-y', '-P', '', '-f', key], { stdio: 'ignore' }),
    ).toThrow();

    // lium rents with it and reaches the pod with the passphrase from the environment.
    const saved = { HOME: home, LIUM_CONFIG_DIR: join(home, '.lium') };
    expect((await world.lium(['ls', '--limit', '2'], { env: saved })).code).toBe(0);
    const up = await world.lium(['up', '1', '-y', '--name', 'enc'], {
      env: { ...saved, LIUM_SSH_PASSPHRASE: 's3cret-words' },
    });
    expect(up.code, up.stderr).toBe(0);
    const exec = await world.lium(['exec', 'enc', 'echo', 'reached'], {
      env: { ...saved, LIUM_SSH_PASSPHRASE: 's3cret-words' },
    });
    expect(exec.code, exec.stderr).toBe(0);
    expect(exec.stdout).toContain('reached');
    // Without it (and no agent), a clear error saying how.
    const without = await world.lium(['exec', 'enc', 'true'], {
      env: { ...saved, SSH_AUTH_SOCK: undefined },
    });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('passphrase is missing');
    expect(without.stderr).toContain('LIUM_SSH_PASSPHRASE');
    expect(without.stderr).not.toContain('s3cret-words');
    expect((await world.lium(['down', 'enc', '-y'], { env: saved })).code).toBe(0);
  }, 150_000);

  it('an empty passphrase is no passphrase, and says so', async () => {
    const { home, env } = keyless('home-empty');
    const run = await initUntilPassphrase(env);
    run.type('\r');
    const { code } = await run.done;
    const shown = plain(run.output());
    expect(code, shown).toBe(0);
    expect(shown).toContain('stored unencrypted');
    expect(shown).toContain('(no passphrase)');
    execFileSync('ssh-keygen', ['-y', '-P', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  }, 150_000);

  it('without a terminal, -y creates an unencrypted key and asks nothing', async () => {
    const { home, env } = keyless('home-yes');
    const result = await world.lium(['init', '-y'], {
      env: { ...env, LIUM_API_KEY: world.emulator.apiKey },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('Passphrase');
    execFileSync('ssh-keygen', ['-y', '-P', '', '-f', join(home, '.ssh', 'id_ed25519')]);
  });
});
