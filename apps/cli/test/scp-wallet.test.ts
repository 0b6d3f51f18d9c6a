import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWallet } from '@lium/test-support/bittensor-wallets';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('lium scp TARGETS --coldkey NAME [--hotkey NAME]', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 100 });
  let walletsDir: string;

  beforeAll(async () => {
    walletsDir = join(world.sandbox.home, '.bittensor', 'wallets');
    await writeWallet(walletsDir, 'miner', { coldkey: 'plain', hotkeys: ['default', 'second'] });
    // `up INDEX` picks from the last `lium ls`.
    await world.lium(['ls', '--limit', '5']);
    for (const name of ['w1', 'w2']) {
      const up = await world.lium(['up', name === 'w1' ? '1' : '2', '-y', '--name', name]);
      expect(up.stderr.includes('✘') ? up.stderr : '').toBe('');
      expect(up.code).toBe(0);
    }
    await world.lium(['ps']);
  }, 120_000);

  it('copies coldkeypub.txt and the hotkey to every pod, 0700 dirs and 0600 files, never the coldkey', async () => {
    const result = await world.lium([
      'scp',
      'w1,w2',
      '--coldkey',
      'miner',
      '--hotkey',
      'default',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      pod: string;
      files: { remote: string; bytes: number }[];
    }[];
    expect(body).toHaveLength(2);
    for (const entry of body) {
      expect(
        entry.files.map((file) => file.remote.replace(/^.*\.bittensor/, '~/.bittensor')),
      ).toEqual([
        '~/.bittensor/wallets/miner/coldkeypub.txt',
        '~/.bittensor/wallets/miner/hotkeys/default',
      ]);
    }
    for (const pod of ['w1', 'w2']) {
      const listing = await world.lium([
        'exec',
        pod,
        'cd ~/.bittensor && stat -c "%a %n" . wallets wallets/miner wallets/miner/hotkeys wallets/miner/coldkeypub.txt wallets/miner/hotkeys/default && ls -A wallets/miner wallets/miner/hotkeys && cat wallets/miner/coldkeypub.txt',
      ]);
      expect(listing.code).toBe(0);
      expect(listing.stdout).toContain(
        '700 .\n700 wallets\n700 wallets/miner\n700 wallets/miner/hotkeys\n',
      );
      expect(listing.stdout).toContain(
        '600 wallets/miner/coldkeypub.txt\n600 wallets/miner/hotkeys/default\n',
      );
      // Only the public file and the chosen hotkey: no coldkey, no other hotkey, no temp file.
      expect(listing.stdout).toContain('wallets/miner:\ncoldkeypub.txt\nhotkeys\n');
      expect(listing.stdout).toContain('wallets/miner/hotkeys:\ndefault\n');
      expect(listing.stdout).toContain(
        readFileSync(join(walletsDir, 'miner', 'coldkeypub.txt'), 'utf8'),
      );
    }
  });

  it('copies only coldkeypub.txt without --hotkey, and says so in text mode', async () => {
    const result = await world.lium(['scp', 'w1', '--coldkey', 'miner']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /✔ Copied wallet "miner" to .*w1.*: \/.*\/\.bittensor\/wallets\/miner\/coldkeypub\.txt\n$/,
    );
  });

  it('treats --hotkey without --coldkey, or paths with --coldkey, as usage errors (exit 2)', async () => {
    const alone = await world.lium(['scp', 'w1', '--hotkey', 'default']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--hotkey needs --coldkey');
    const paths = await world.lium(['scp', 'w1', 'file.txt', '--coldkey', 'miner']);
    expect(paths.code).toBe(2);
  });

  it('names the missing file (exit 1) and touches no pod', async () => {
    const before = world.emulator.control.requests().length;
    const result = await world.lium(['scp', 'w1', '--coldkey', 'miner', '--hotkey', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(walletsDir, 'miner', 'hotkeys', 'nope')} does not exist`,
    );
    const missing = await world.lium(['scp', 'w1', '--coldkey', 'ghost']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `${join(walletsDir, 'ghost', 'coldkeypub.txt')} does not exist`,
    );
    // Listing pods to resolve the target is all that reached the API.
    const after = world.emulator.control.requests().slice(before);
    expect(after.every((request) => request.method === 'GET')).toBe(true);
  });

  it('says in --help that the encrypted coldkey is never copied', async () => {
    const help = await world.lium(['scp', '--help']);
    expect(help.stdout).toContain('never the encrypted coldkey');
  });
});
