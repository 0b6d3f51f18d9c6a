import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';
import { answered, fetchText, freePort } from './net-helpers.ts';

interface KeyJson {
  id: string;
  name: string;
  fingerprint: string;
  public_key: string;
  created_at: string | null;
  local: boolean;
}

describe('lium ssh-keys', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 50 });
  let laptopPub = '';

  beforeAll(() => {
    const laptop = join(world.sandbox.dir, 'laptop');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', laptop]);
    laptopPub = `${laptop}.pub`;
  });

  const keys = async () =>
    JSON.parse((await world.lium(['ssh-keys', '--json'])).stdout) as KeyJson[];

  it('sync registers the local key once; list marks it as the local one', async () => {
    const empty = await world.lium(['ssh-keys']);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('No SSH keys on the account');

    const synced = await world.lium(['ssh-keys', 'sync', '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    const body = JSON.parse(synced.stdout) as { registered: unknown[]; local_keys: number };
    expect(body).toMatchObject({ local_keys: 1 });
    expect(body.registered).toHaveLength(1);
    const again = await world.lium(['ssh-keys', 'sync']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('has your local key already');

    const listed = await keys();
    expect(listed).toHaveLength(1);
    const local = readFileSync(`${world.sandbox.keyPath}.pub`, 'utf8').split(' ');
    expect(listed[0]).toMatchObject({ local: true, public_key: `${local[0]} ${local[1]}` });
    expect(listed[0]?.fingerprint).toMatch(/^SHA256:/);
    const human = await world.lium(['ssh-keys', 'list']);
    expect(human.stdout).toContain(listed[0]?.fingerprint);
    expect(human.stdout).toContain('✓');
  });

  it('add reads a .pub file, names it, and does not add the same key twice', async () => {
    const added = await world.lium(['ssh-keys', 'add', laptopPub, '--name', 'laptop', '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'laptop', added: true, local: false });
    const twice = await world.lium(['ssh-keys', 'add', laptopPub]);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain('has this key already');
    expect((await keys()).map((k) => k.name).sort()).toContain('laptop');
  });

  it('add refuses a private key, a missing file and anything else, in one line', async () => {
    const secret = await world.lium(['ssh-keys', 'add', laptopPub.replace(/\.pub$/, '')]);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toContain('is a private key');
    expect(secret.stderr).not.toMatch(/OPENSSH PRIVATE|^\s+at /m);
    const missing = await world.lium(['ssh-keys', 'add', 'nope.pub', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'ssh_key_missing' } });
    const junk = join(world.sandbox.dir, 'junk.pub');
    writeFileSync(junk, 'hello\n');
    const bad = await world.lium(['ssh-keys', 'add', junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not an OpenSSH public key');
  });

  it('rm asks first, names what exists for an unknown key, and says which id is gone', async () => {
    const refused = await world.lium(['ssh-keys', 'rm', 'laptop']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect((await keys()).map((k) => k.name)).toContain('laptop');

    const unknown = await world.lium(['ssh-keys', 'rm', 'desktop', '-y']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No SSH key matches "desktop"');
    expect(unknown.stderr).toContain('laptop');

    const laptop = (await keys()).find((k) => k.name === 'laptop');
    world.emulator.control.addFault({ method: 'DELETE', path: '/ssh-keys/*', status: 404 });
    const gone = await world.lium(['ssh-keys', 'rm', 'laptop', '-y', '--json']);
    expect(gone.code).toBe(1);
    const error = (JSON.parse(gone.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('target_not_found');
    expect(error.message).toContain(laptop?.id);

    const removed = await world.lium(['ssh-keys', 'rm', laptop?.id ?? '', '-y', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: { name: 'laptop' } });
    expect((await keys()).map((k) => k.name)).not.toContain('laptop');
  });

  it('after the local key is removed, the next rent registers it again', async () => {
    const local = (await keys()).find((k) => k.local);
    const removed = await world.lium(['ssh-keys', 'rm', local?.fingerprint ?? '', '-y']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain('Removed SSH key');
    expect(await keys()).toEqual([]);
    expect((await world.lium(['ls', '--limit', '2'])).code).toBe(0);
    const up = await world.lium(['up', '1', '-y', '--name', 'keyed']);
    expect(up.code, up.stderr).toBe(0);
    expect((await keys()).filter((k) => k.local)).toHaveLength(1);
    expect((await world.lium(['exec', 'keyed', 'true'])).code).toBe(0);
  }, 60_000);
});

describe('lium port-forward', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 50 });
  let podPort = 0;
  const server = new AbortController();
  let serving: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    expect((await world.lium(['ls', '--limit', '2'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'web'])).code).toBe(0);
    podPort = await freePort();
    // An HTTP server inside the pod, on its localhost only, until the tests are done.
    const script = `require('http').createServer((q, s) => s.end('hello from the pod ' + q.url)).listen(${podPort}, '127.0.0.1')`;
    serving = world.lium(['exec', 'web', 'timeout', '120', 'node', '-e', script], {
      signal: server.signal,
    });
  }, 60_000);

  afterAll(async () => {
    server.abort();
    await serving;
  });

  it('tunnels 127.0.0.1:N to the pod, prints the URL, and exits 130 on Ctrl-C', async () => {
    const local = await freePort();
    const interrupt = new AbortController();
    const running = world.lium(['port-forward', 'web', String(podPort), '-l', String(local)], {
      signal: interrupt.signal,
    });
    const url = `http://127.0.0.1:${local}`;
    const body = await answered(`${url}/x`);
    expect(body).toBe('hello from the pod /x');
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stdout).toContain(`${url} → `);
    expect(result.stderr).not.toMatch(/interrupt|error/i);
    expect(await fetchText(url)).toBeUndefined();
  }, 60_000);

  it('--json prints the open forwards once, several PORT:LOCAL at once', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const interrupt = new AbortController();
    const running = world.lium(
      ['port-forward', '1', `${podPort}:${a}`, `${podPort}:${b}`, '--json'],
      {
        signal: interrupt.signal,
      },
    );
    expect(await answered(`http://127.0.0.1:${a}/a`)).toBe('hello from the pod /a');
    expect(await answered(`http://127.0.0.1:${b}/b`)).toBe('hello from the pod /b');
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(JSON.parse(result.stdout)).toEqual({
      pod: expect.any(String),
      pod_id: expect.any(String),
      forwards: [
        { remote_port: podPort, local_port: a, url: `http://127.0.0.1:${a}` },
        { remote_port: podPort, local_port: b, url: `http://127.0.0.1:${b}` },
      ],
    });
  }, 60_000);

  it('refuses bad ports before connecting, and a local port that is taken', async () => {
    const bad = await world.lium(['port-forward', 'web', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid port "70000"');
    const both = await world.lium(['port-forward', 'web', '1:2', '-l', '3']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--local-port goes with one PORT');
    const none = await world.lium(['port-forward', 'web']);
    expect(none.code).toBe(2);

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const busy = await world.lium(['port-forward', 'web', `${podPort}:${port}`, '--json']);
    taken.close();
    expect(busy.code).toBe(1);
    expect(JSON.parse(busy.stdout)).toMatchObject({ error: { code: 'local_port_unavailable' } });
  }, 60_000);

  it('names what exists for an unknown pod, and the status of one that is not running', async () => {
    const unknown = await world.lium(['port-forward', 'nope', '80']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('web');
    // The pod breaks while the tunnel is held: the command says so instead of holding a dead one.
    const local = await freePort();
    const held = world.lium(['port-forward', 'web', `${podPort}:${local}`]);
    expect(await answered(`http://127.0.0.1:${local}/`)).toBe('hello from the pod /');
    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { id: string }[];
    world.emulator.control.failPod(ps[0]?.id ?? '');
    const lost = await held;
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('closed; the port forward is down');
    expect(lost.stderr).toContain('lium port-forward');

    const failed = await world.lium(['port-forward', 'web', '80', '--json']);
    expect(failed.code).toBe(1);
    const error = (
      JSON.parse(failed.stdout) as { error: { code: string; message: string; hint: string } }
    ).error;
    expect(error.code).toBe('pod_not_running');
    expect(error.message).toContain('FAILED');
    expect(error.hint).toContain('lium reboot');
  }, 60_000);
});

interface RunJson {
  id: string;
  status: string;
  name: string | null;
  path: string | null;
  progress: number;
  error: string | null;
}

describe('lium bk', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 50, backupDurationMs: 1_500 });
  let backupId = '';

  /** Waits until no backup of the pod is running (the server takes one operation at a time). */
  const untilIdle = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const runs = JSON.parse(
        (await world.lium(['bk', 'logs', 'keeper', '--json'])).stdout,
      ) as RunJson[];
      if (runs.every((run) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(run.status))) return;
      if (Date.now() > deadline) throw new Error('a backup is still running');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    expect((await world.lium(['ls', '--limit', '2'])).code).toBe(0);
    expect((await world.lium(['up', '1', '-y', '--name', 'keeper'])).code).toBe(0);
    const made = await world.lium([
      'exec',
      'keeper',
      'mkdir -p /root/data && echo precious > /root/data/file.txt',
    ]);
    expect(made.code, made.stderr).toBe(0);
  }, 60_000);

  it('set configures backups (and replaces them), show reads them back', async () => {
    const none = await world.lium(['bk', 'show', 'keeper', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ config: null, latest: null });
    expect((await world.lium(['bk', 'show', 'keeper'])).stderr).toContain('no backups configured');

    const bad = await world.lium(['bk', 'set', 'keeper', '--every', 'often']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --every "often"');
    const set = await world.lium([
      'bk',
      'set',
      'keeper',
      '--path',
      '/root/data',
      '--every',
      '12h',
      '--keep',
      '2w',
      '--json',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      pod: expect.any(String),
      replaced: false,
      config: { path: '/root/data', every_hours: 12, keep_days: 14, active: true },
    });
    const again = await world.lium(['bk', 'set', '1', '--path', '/root/data']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('every 6 h of /root/data, kept 7 days');
    expect(again.stderr).toContain('replaced: every 12 h');
    const shown = await world.lium(['bk', 'show', 'keeper']);
    expect(shown.stdout).toContain('every 6 h of /root/data');
  });

  it('completion offers the subcommands, their options, and pods after a subcommand', async () => {
    const words = async (...line: string[]) =>
      (await world.lium(['__complete', ...line])).stdout.trim().split('\n');
    expect(await words('')).toEqual(expect.arrayContaining(['bk', 'ssh-keys', 'port-forward']));
    expect(await words('bk', '')).toEqual(expect.arrayContaining(['set', 'now', 'restore-logs']));
    expect(await words('bk', 'now', '')).toContain('keeper');
    expect(await words('bk', '--ev')).toEqual(['--every']);
    expect(await words('port-forward', '')).toContain('keeper');
    expect(await words('port-forward', '--l')).toContain('--local-port');
    expect(await words('ssh-keys', '')).toEqual(expect.arrayContaining(['add', 'rm', 'sync']));
  });

  it('now backs up with progress and waits; logs lists the runs, --id one', async () => {
    const now = await world.lium([
      'bk',
      'now',
      'keeper',
      '-n',
      'first',
      '-d',
      'before the change',
      '--json',
    ]);
    expect(now.code, now.stderr).toBe(0);
    const body = JSON.parse(now.stdout) as { backup_id: string; backup: RunJson };
    backupId = body.backup_id;
    expect(body.backup).toMatchObject({
      id: backupId,
      status: 'COMPLETED',
      name: 'first',
      path: '/root/data',
      progress: 100,
    });
    const human = await world.lium(['bk', 'now', 'keeper']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toContain('Backed up');
    expect(human.stderr).toContain('lium bk restore');
    // Without a terminal: a line per stage; on one, the spinner carries the percentage.
    expect(human.stderr).toMatch(/Backing up .*: \d+% (queued|uploading)/);
    const tty = await world.lium(['bk', 'now', 'keeper'], { tty: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/Backing up .*: \d+% uploading/);

    const logs = JSON.parse(
      (await world.lium(['bk', 'logs', 'keeper', '--json'])).stdout,
    ) as RunJson[];
    // (At least: a retried test backs up again.)
    expect(logs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(logs.map((l) => l.status))).toEqual(new Set(['COMPLETED']));
    expect(logs.map((l) => l.id)).toContain(backupId);
    const everyPod = await world.lium(['bk', 'logs']);
    expect(everyPod.stdout).toContain(backupId);
    const one = JSON.parse(
      (await world.lium(['bk', 'logs', '--id', backupId, '--json'])).stdout,
    ) as RunJson[];
    expect(one.map((l) => l.name)).toEqual(['first']);
    const missing = '00000000-0000-4000-8000-000000000000';
    const unknown = await world.lium(['bk', 'logs', '--id', missing, '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      error: { code: 'target_not_found', message: `No backup ${missing}` },
    });
  }, 60_000);

  it('restore asks first, then restores the files and waits; restore-logs lists it', async () => {
    const noId = await world.lium(['bk', 'restore', 'keeper', '-y']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('--id');
    const refused = await world.lium([
      'bk',
      'restore',
      'keeper',
      '--id',
      backupId,
      '--to',
      '/root/restored',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const unknown = await world.lium(['bk', 'restore', 'keeper', '--id', 'nope', '-y']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No backup nope');

    const restored = await world.lium([
      'bk',
      'restore',
      'keeper',
      '--id',
      backupId,
      '--to',
      '/root/restored',
      '-y',
      '--json',
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    const body = JSON.parse(restored.stdout) as {
      restore_id: string;
      restore: { status: string; path: string };
    };
    expect(body.restore).toMatchObject({ status: 'COMPLETED', path: '/root/restored' });
    const file = await world.lium(['exec', 'keeper', 'cat /root/restored/file.txt']);
    expect(file.stdout).toBe('precious\n');

    const logs = await world.lium(['bk', 'restore-logs', 'keeper', '--json']);
    expect((JSON.parse(logs.stdout) as { id: string }[]).map((l) => l.id)).toEqual([
      body.restore_id,
    ]);
    expect((await world.lium(['bk', 'restore-logs'])).stdout).toContain(body.restore_id);
    const none = await world.lium(['bk', 'restore-logs', 'keeper', '--id', 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No restore nope');
  }, 60_000);

  it('a failing backup fails the command with the server reason, in human and JSON form', async () => {
    world.emulator.control.failNextBackups(2, 'disk quota exceeded');
    const json = await world.lium(['bk', 'now', 'keeper', '--json']);
    expect(json.code).toBe(1);
    const error = (
      JSON.parse(json.stdout) as { error: { code: string; message: string; hint: string } }
    ).error;
    expect(error.code).toBe('backup_failed');
    expect(error.message).toContain('disk quota exceeded');
    const human = await world.lium(['bk', 'now', 'keeper']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('disk quota exceeded');
    expect(human.stderr).toContain('lium bk show');
    const logs = JSON.parse(
      (await world.lium(['bk', 'logs', 'keeper', '--json'])).stdout,
    ) as RunJson[];
    expect(logs[0]).toMatchObject({ status: 'FAILED', error: 'disk quota exceeded' });
  }, 60_000);

  it('Ctrl-C while waiting exits 130 and says the backup goes on; --no-wait returns at once', async () => {
    const interrupt = new AbortController();
    const running = world.lium(['bk', 'now', 'keeper'], { signal: interrupt.signal });
    const polls = () =>
      world.emulator.control.requests({ method: 'GET', path: '/backup-logs/*' }).length;
    const before = polls();
    const deadline = Date.now() + 30_000;
    while (polls() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    interrupt.abort();
    const stopped = await running;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(
      /Stopped waiting for the backup \S+ of .* it goes on on the server/,
    );
    expect(stopped.stderr).toContain('lium bk logs');

    // One operation at a time per pod: let that one finish first.
    await untilIdle();
    const started = await world.lium(['bk', 'now', 'keeper', '--no-wait', '--json']);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({
      backup_id: expect.any(String),
      backup: null,
    });
    await untilIdle();
  }, 60_000);

  it('rm asks first and turns backups off; unknown and stopped pods are named', async () => {
    const refused = await world.lium(['bk', 'rm', 'keeper']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const removed = await world.lium(['bk', 'rm', 'keeper', '-y', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: true });
    expect(JSON.parse((await world.lium(['bk', 'rm', 'keeper', '--json'])).stdout)).toMatchObject({
      removed: false,
    });

    const unknown = await world.lium(['bk', 'show', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('keeper');
    const bare = await world.lium(['bk']);
    expect(bare.code).toBe(2);

    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { id: string }[];
    world.emulator.control.failPod(ps[0]?.id ?? '');
    const failed = await world.lium(['bk', 'now', 'keeper', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ error: { code: 'pod_not_running' } });
  }, 60_000);
});
