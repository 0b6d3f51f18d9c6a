/**
 * The managed ssh_config against OpenSSH itself: `ssh -G` shows what OpenSSH makes of the files,
 * and `ssh <huid> true` logs in to an emulator pod (a real SSH server on 127.0.0.1) through them.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Lium,
  type PodInfo,
  parseSshConfig,
  SSH_INCLUDE_MARKER,
  SshConfigManager,
} from '../src/index.ts';
import { useEmulator } from './harness.ts';

const run = promisify(execFile);

const h = useEmulator({ executors: 6 });
let lium: Lium;
let pod: PodInfo;
let other: PodInfo;
let userConfig: string;

/** What OpenSSH resolves for `host` with `file` as its only config (`ssh -G`). */
async function resolved(file: string, host: string): Promise<Record<string, string>> {
  const { stdout } = await run('ssh', ['-F', file, '-G', host], { timeout: 10_000 });
  const options: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) options[line.slice(0, space)] ??= line.slice(space + 1);
  }
  return options;
}

beforeAll(async () => {
  lium = h.newLium();
  const executors = await lium.listExecutors();
  const started = await Promise.all(
    ['cfg-pod', 'cfg-other'].map((podName, i) =>
      lium.startPod({ executorId: executors[i]!.id, podName }),
    ),
  );
  // Waiting for SSH pins each pod's host key, as `lium up` does.
  const ready = await Promise.all(started.map((p) => lium.waitForPodReady(p)));
  pod = ready[0] as PodInfo;
  other = ready[1] as PodInfo;
  userConfig = join(h.dir, 'dot-ssh', 'config');
}, 60_000);

describe('SshConfigManager', () => {
  it('writes a Host block per running pod, mode 0600, that it reads back', async () => {
    const sshConfig = await SshConfigManager.open(lium, { userSshConfig: userConfig });
    expect(sshConfig.file).toBe(join(h.configDir, 'ssh_config'));
    expect(await sshConfig.exists()).toBe(false);
    const hosts = await sshConfig.write([pod, other, { ...other, id: 'gone', status: 'STOPPED' }]);
    expect(hosts.map((host) => host.podId)).toEqual([pod.id, other.id]);
    expect((await stat(sshConfig.file)).mode & 0o777).toBe(0o600);
    const text = await readFile(sshConfig.file, 'utf8');
    expect(text).toContain(`Host ${pod.huid} cfg-pod\n`);
    expect(text).toContain('  StrictHostKeyChecking yes\n');
    expect(text).toContain(`  UserKnownHostsFile ${join(h.configDir, 'known_hosts', pod.id)}\n`);
    expect(text).toContain(`  IdentityFile ${h.keyPath}\n`);
    expect(parseSshConfig(text)).toEqual(hosts);
  });

  it('applies up/down changes from data it is given, only when the file exists', async () => {
    const sshConfig = await SshConfigManager.open(lium, { userSshConfig: userConfig });
    await sshConfig.write([pod]);
    expect(await sshConfig.update({ upsert: [other] })).toBe(true);
    expect((await sshConfig.read()).map((host) => host.podId)).toEqual([pod.id, other.id]);
    expect(await sshConfig.update({ remove: [pod.id] })).toBe(true);
    expect((await sshConfig.read()).map((host) => host.podId)).toEqual([other.id]);
    expect(await sshConfig.update({ all: [pod, other] })).toBe(true);
    expect((await sshConfig.read()).map((host) => host.podId)).toEqual([pod.id, other.id]);
    expect(await sshConfig.remove()).toBe(true);
    expect(await sshConfig.update({ all: [pod] })).toBe(false);
    expect(await sshConfig.exists()).toBe(false);
  });

  it('goes first in ~/.ssh/config so a user Host * cannot override it, and uninstalls exactly', async () => {
    const sshConfig = await SshConfigManager.open(lium, { userSshConfig: userConfig });
    await sshConfig.write([pod, other]);
    await mkdir(join(h.dir, 'dot-ssh'), { recursive: true });
    const mine = [
      'Host *',
      '  User nobody',
      '  Port 1',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      '  ServerAliveInterval 30',
      '',
    ].join('\n');
    await writeFile(userConfig, mine, { mode: 0o644 });
    expect(await sshConfig.isInstalled()).toBe(false);
    expect(await sshConfig.install()).toEqual({ changed: true });
    expect(await sshConfig.install()).toEqual({ changed: false });
    expect(await sshConfig.isInstalled()).toBe(true);
    const installed = await readFile(userConfig, 'utf8');
    expect(installed.split('\n').slice(0, 2)).toEqual([SSH_INCLUDE_MARKER, sshConfig.includeLine]);
    expect(installed.endsWith(mine)).toBe(true);
    expect((await stat(userConfig)).mode & 0o777).toBe(0o644);

    const seen = await resolved(userConfig, pod.huid);
    const target = lium.sshTarget(pod);
    expect(seen).toMatchObject({
      hostname: target.host,
      port: String(target.port),
      user: target.user,
      stricthostkeychecking: 'true',
      userknownhostsfile: join(h.configDir, 'known_hosts', pod.id),
      // The user's own settings still apply where we set nothing.
      serveraliveinterval: '30',
    });
    expect((await resolved(userConfig, 'cfg-other')).port).toBe(String(lium.sshTarget(other).port));
    // Other hosts are untouched by our file.
    expect((await resolved(userConfig, 'example.com')).user).toBe('nobody');

    // OpenSSH's own client logs in by HUID and by name, checking the pinned host key.
    for (const name of [pod.huid, 'cfg-other']) {
      const { stdout } = await run(
        'ssh',
        ['-F', userConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', name, 'echo ok'],
        { timeout: 20_000 },
      );
      expect(stdout).toBe('ok\n');
    }

    expect(await sshConfig.uninstall()).toEqual({ changed: true });
    expect(await readFile(userConfig, 'utf8')).toBe(mine);
    expect(await sshConfig.uninstall()).toEqual({ changed: false });
  });

  it('refuses a host whose pinned key does not match (StrictHostKeyChecking yes)', async () => {
    const sshConfig = await SshConfigManager.open(lium, { userSshConfig: userConfig });
    await sshConfig.write([pod]);
    const pin = join(h.configDir, 'known_hosts', pod.id);
    const original = await readFile(pin, 'utf8');
    const [hostField] = original.split(' ');
    const forged = `${hostField} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`;
    await writeFile(pin, forged);
    try {
      const config = join(h.dir, 'only-ours');
      await writeFile(config, `Include ${sshConfig.file}\n`);
      const failed = await run(
        'ssh',
        ['-F', config, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', pod.huid, 'true'],
        { timeout: 20_000 },
      ).catch((error: { code?: number; stderr?: string }) => error);
      expect((failed as { code?: number }).code).toBe(255);
      expect((failed as { stderr?: string }).stderr).toMatch(
        /HOST IDENTIFICATION HAS CHANGED|verification failed/i,
      );
    } finally {
      await writeFile(pin, original);
    }
  });
});

describe('a named profile', () => {
  it('keeps its own ssh_config, host-key pins and index snapshots, all reached by the one Include', async () => {
    const root = join(h.dir, 'profiled');
    await mkdir(root, { recursive: true });
    await writeFile(
      join(root, 'config.ini'),
      `[api]\napi_key = not-this-one\n\n[profile work]\napi.api_key = ${h.emu.apiKey}\napi.base_url = ${h.emu.baseUrl}\nssh.key_path = ${h.keyPath}\n`,
    );
    const work = h.newLium({
      configDir: root,
      env: { LIUM_PROFILE: 'work' },
      apiKey: undefined,
      baseUrl: undefined,
      sshKeyPath: undefined,
    });
    const stateDir = join(root, 'profiles', 'work');
    const settings = await work.getSettings();
    expect(settings).toMatchObject({ profile: 'work', configDir: stateDir });
    const pods = await work.listPods();
    await work.rememberPods(pods);
    expect((await work.resolvePods('1'))[0]?.id).toBe(pods[0]?.id);
    await work.executeCommand(pod, 'true');
    await expect(stat(join(stateDir, 'known_hosts', pod.id))).resolves.toBeTruthy();

    const sshConfig = await SshConfigManager.open(work, {
      userSshConfig: join(root, 'ssh-config'),
    });
    expect(sshConfig.file).toBe(join(stateDir, 'ssh_config'));
    await sshConfig.write([pod]);
    expect(await readFile(sshConfig.file, 'utf8')).toContain('# Profile: work\n');
    await sshConfig.install();
    expect(sshConfig.includeLine).toBe(
      `Include ${join(root, 'ssh_config')} ${join(root, 'profiles', '*', 'ssh_config')}`,
    );
    const seen = await resolved(join(root, 'ssh-config'), 'cfg-pod');
    expect(seen.userknownhostsfile).toBe(join(stateDir, 'known_hosts', pod.id));
  });
});
