import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

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

/** A port nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What GET url answers once something does (polled for up to 30 s: the machine is loaded). */
async function answered(url: string): Promise<string | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = await fetchText(url);
    if (body !== undefined || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What GET url answers, or undefined while nothing does. */
async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

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
    const ps = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { id: string }[];
    world.emulator.control.failPod(ps[0]?.id ?? '');
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
