import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

const run = promisify(execFile);

interface HostJson {
  pod_id: string;
  huid: string;
  name: string;
  aliases: string[];
  host: string;
  port: number;
  user: string;
}

/** OpenSSH's own client, with the sandbox's ~/.ssh/config (ssh reads the real $HOME's otherwise). */
function ssh(config: string, host: string, command: string) {
  return run(
    'ssh',
    ['-F', config, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', host, command],
    { timeout: 20_000 },
  );
}

describe('lium ssh-config', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 100 });
  const userConfig = () => join(world.sandbox.home, '.ssh', 'config');
  const managed = () => join(world.sandbox.configDir, 'ssh_config');
  const MINE = 'Host *\n  User nobody\n  Port 1\n  StrictHostKeyChecking no\n';

  it('refuses --install without a terminal unless -y, and changes nothing', async () => {
    writeFileSync(userConfig(), MINE, { mode: 0o600 });
    const result = await world.lium(['ssh-config', '--install']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('without confirmation');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(userConfig(), 'utf8')).toBe(MINE);
    expect(existsSync(managed())).toBe(false);
  });

  it('rejects two modes at once (exit 2)', async () => {
    const result = await world.lium(['ssh-config', '--install', '--uninstall']);
    expect(result.code).toBe(2);
  });

  it('lets OpenSSH reach pods by HUID and name, kept current by up, down and ps', async () => {
    await world.lium(['ls', '--json']);
    const up = await world.lium(['up', '1', '-y', '--name', 'trainer', '--json']);
    expect(up.code).toBe(0);
    const [pod] = JSON.parse(up.stdout) as { huid: string; id: string }[];

    const installed = await world.lium(['ssh-config', '--install', '-y', '--json']);
    expect(installed.code).toBe(0);
    const report = JSON.parse(installed.stdout) as {
      path: string;
      profile: string;
      installed: boolean;
      changed: boolean;
      hosts: HostJson[];
      unpinned: string[];
    };
    expect(report).toMatchObject({
      path: managed(),
      profile: 'default',
      installed: true,
      changed: true,
      unpinned: [],
    });
    expect(report.hosts.map((host) => host.aliases)).toEqual([[pod?.huid, 'trainer']]);
    expect(statSync(managed()).mode & 0o777).toBe(0o600);
    const top = readFileSync(userConfig(), 'utf8').split('\n');
    expect(top[1]).toMatch(/^Include /);
    expect(readFileSync(userConfig(), 'utf8').endsWith(MINE)).toBe(true);

    // The user's `Host *` (User nobody, Port 1) comes later and cannot break it.
    expect((await ssh(userConfig(), pod?.huid as string, 'echo by-huid')).stdout).toBe('by-huid\n');
    expect((await ssh(userConfig(), 'trainer', 'true')).stdout).toBe('');

    // `up` adds the new pod from what it already has.
    const second = await world.lium(['up', '2', '-y', '--name', 'second', '--json']);
    expect(second.code).toBe(0);
    expect(readFileSync(managed(), 'utf8')).toContain('Host ');
    expect(readFileSync(managed(), 'utf8')).toContain(' second\n');
    expect((await ssh(userConfig(), 'second', 'echo two')).stdout).toBe('two\n');

    // `down` takes it out again.
    expect((await world.lium(['down', 'second', '-y'])).code).toBe(0);
    expect(readFileSync(managed(), 'utf8')).not.toContain(' second\n');
    expect(readFileSync(managed(), 'utf8')).toContain(' trainer\n');

    // `ps` rewrites it from the full list (here: a pod stopped behind our back disappears).
    writeFileSync(
      managed(),
      `${readFileSync(managed(), 'utf8')}# lium pod stale\nHost stale\n  HostName 127.0.0.1\n  Port 2\n  User root\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n`,
    );
    expect((await world.lium(['ps'])).code).toBe(0);
    expect(readFileSync(managed(), 'utf8')).not.toContain('stale');
    expect(readFileSync(managed(), 'utf8')).toContain(' trainer\n');
  });

  it('pins the host key of a pod lium never logged in to, so StrictHostKeyChecking has one', async () => {
    const [host] = (
      JSON.parse((await world.lium(['ssh-config', '--print', '--json'])).stdout) as {
        hosts: (HostJson & { known_hosts_file: string })[];
      }
    ).hosts;
    rmSync(host?.known_hosts_file as string);
    const result = await world.lium(['ssh-config', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).unpinned).toEqual([]);
    expect(existsSync(host?.known_hosts_file as string)).toBe(true);
    expect((await ssh(userConfig(), 'trainer', 'echo pinned')).stdout).toBe('pinned\n');
  });

  it('--print shows the Host blocks and writes nothing', async () => {
    const before = readFileSync(managed(), 'utf8');
    writeFileSync(managed(), 'old\n');
    const printed = await world.lium(['ssh-config', '--print']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('  StrictHostKeyChecking yes');
    expect(printed.stdout).toContain(' trainer\n');
    expect(readFileSync(managed(), 'utf8')).toBe('old\n');
    const json = JSON.parse((await world.lium(['ssh-config', '--print', '--json'])).stdout) as {
      text: string;
      hosts: HostJson[];
    };
    expect(json.text).toBe(before);
    expect(json.hosts.map((host) => host.name)).toEqual(['trainer']);
  });

  it('--uninstall removes exactly what was added', async () => {
    const result = await world.lium(['ssh-config', '--uninstall', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ssh_config: userConfig(),
      include_removed: true,
      removed_files: [managed()],
    });
    expect(readFileSync(userConfig(), 'utf8')).toBe(MINE);
    expect(existsSync(managed())).toBe(false);
    // Without the file, `ps` leaves everything alone.
    expect((await world.lium(['ps'])).code).toBe(0);
    expect(existsSync(managed())).toBe(false);
  });
});

describe('lium ssh-config with profiles', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 100 });

  it("writes each profile's own file, and one Include reaches them all", async () => {
    const { sandbox, emulator } = world;
    mkdirSync(sandbox.configDir, { recursive: true });
    writeFileSync(
      join(sandbox.configDir, 'config.ini'),
      `[profile work]\napi.api_key = ${emulator.apiKey}\napi.base_url = ${emulator.baseUrl}\n`,
    );
    const env = { LIUM_API_KEY: '', LIUM_BASE_URL: '' };
    const work = (argv: string[], options: { tty?: boolean; stdin?: string } = {}) =>
      world.lium(['--profile', 'work', ...argv], { env, ...options });
    expect((await work(['ls', '--json'])).code).toBe(0);
    const up = await work(['up', '1', '-y', '--name', 'work-pod', '--json']);
    expect(up.code).toBe(0);
    const config = join(sandbox.home, '.ssh', 'config');
    // On a terminal it asks; "no" changes nothing.
    const refused = await work(['ssh-config', '--install'], { tty: true, stdin: 'n' });
    expect(refused.stderr).toContain('Add this line');
    expect(refused.code).toBe(1);
    expect(existsSync(config)).toBe(false);
    const asked = await work(['ssh-config', '--install'], { tty: true, stdin: 'y' });
    expect(asked.code, asked.stderr).toBe(0);
    const result = await work(['ssh-config', '--install', '--json']);
    expect(result.code).toBe(0);
    const file = join(sandbox.configDir, 'profiles', 'work', 'ssh_config');
    // Already installed: no question, nothing to change.
    expect(JSON.parse(result.stdout)).toMatchObject({
      path: file,
      profile: 'work',
      installed: true,
      changed: false,
    });
    expect(readFileSync(config, 'utf8')).toContain(
      join(sandbox.configDir, 'profiles', '*', 'ssh_config'),
    );
    expect((await ssh(config, 'work-pod', 'echo work')).stdout).toBe('work\n');
  });
});
