import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox, generateHostKey, startPodServer } from '../../src/pods/index.ts';
import { connect, makeKey, openExec, type PodFixture, podFixture, run } from './helpers.ts';

/** Host pids of processes whose command line mentions `marker`. */
function processesMatching(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'))
    .map((line) => line.trim().split(/\s+/)[0] ?? '');
}

describe('pod server', () => {
  let f: PodFixture;
  beforeAll(async () => {
    f = await podFixture();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('accepts exactly the authorized key, as root, by public key only', async () => {
    const good = await connect(f.pod.port, { privateKey: f.key.privateKey });
    good.end();
    const stranger = await makeKey(f.dir, 'stranger');
    await expect(connect(f.pod.port, { privateKey: stranger.privateKey })).rejects.toThrow(
      /authentication methods failed/,
    );
    await expect(
      connect(f.pod.port, { privateKey: f.key.privateKey, username: 'ubuntu' }),
    ).rejects.toThrow(/authentication methods failed/);
    await expect(connect(f.pod.port, { password: 'root' })).rejects.toThrow(
      /authentication methods failed/,
    );
  });

  it('has its own host key, or the one it was given', async () => {
    const hostKey = generateHostKey();
    const second = await f.start({ hostKey });
    expect(second.hostKey).toBe(hostKey);
    expect(second.hostPublicKey).toMatch(/^ssh-ed25519 AAAA/);
    expect(second.hostPublicKey).not.toBe(f.pod.hostPublicKey);
    let seen = '';
    const client = await connect(second.port, {
      privateKey: f.key.privateKey,
      hostVerifier: (key: Buffer) => {
        seen = `ssh-ed25519 ${key.toString('base64')}`;
        return true;
      },
    });
    client.end();
    expect(seen).toBe(second.hostPublicKey);
  });

  it('keeps two pods from seeing each other’s files', async () => {
    // Outside /tmp (which the sandbox replaces anyway), so hiding the pods dir is what counts.
    const g = await podFixture({}, existsSync('/var/tmp') ? '/var/tmp' : undefined);
    try {
      const other = await g.start();
      const a = await connect(g.pod.port, { privateKey: g.key.privateKey });
      const b = await connect(other.port, { privateKey: g.key.privateKey });
      await run(
        a,
        'echo pod-a > ~/mine; echo pod-a > /tmp/t; echo pod-a > /workspace/w 2>/dev/null; true',
      );
      if (g.pod.isolation !== 'none') {
        const seen = await run(b, 'cat ~/mine /tmp/t /workspace/w 2>&1; ls /tmp /root /workspace');
        expect(seen.stdout.toString()).not.toContain('pod-a');
        expect(seen.stdout.toString()).toContain('No such file');
        const snoop = await run(b, `ls -R ${g.dir} 2>&1; cat ${g.podsDir}/pod-1/root/mine 2>&1`);
        expect(snoop.stdout.toString()).not.toContain('pod-a');
        expect(snoop.stdout.toString()).not.toContain('pod-1\n'); // the pods dir looks empty
      } else {
        const seen = await run(b, 'cat mine 2>&1');
        expect(seen.stdout.toString()).toContain('No such file');
      }
      a.end();
      b.end();
    } finally {
      await g.cleanup();
    }
  });

  it.runIf(process.platform === 'linux')('reports the isolation it achieved', async () => {
    expect(['bwrap', 'unshare']).toContain(f.pod.isolation);
    expect(f.pod.isolation).toBe(await detectSandbox());
    {
      const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
      const probe = await run(
        client,
        'touch /usr/x 2>&1; echo $$; hostname; ls /proc | grep -c "^[0-9]"',
      );
      const [touch, pid, hostname] = probe.stdout.toString().split('\n');
      expect(touch).toMatch(/Read-only file system/);
      expect(Number(pid)).toBeLessThan(10); // its own pid namespace
      expect(hostname).toBe('pod-1');
      client.end();
    }
  });

  it('tells the client when the sandbox itself cannot start', async () => {
    const dataDir = join(f.podsDir, 'broken');
    const broken = await f.start({ podId: 'broken', dataDir });
    if (broken.isolation === 'none') return;
    await rm(join(dataDir, 'workspace'), { recursive: true });
    const client = await connect(broken.port, { privateKey: f.key.privateKey });
    const result = await run(client, 'echo never');
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(
      /^lium emulator: (bwrap|pod sandbox \(unshare\)): .*workspace/,
    );
    expect(result.code).not.toBe(0);
    client.end();
  });

  it('forwards TCP (direct-tcpip) to the pod’s ports on 127.0.0.1 and refuses other hosts', async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const port = (echo.address() as { port: number }).port;
    const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    const stream = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
      client.forwardOut('127.0.0.1', 5555, 'localhost', port, (err, ch) =>
        err ? reject(err) : resolve(ch),
      ),
    );
    const reply = new Promise<string>((resolve) =>
      stream.once('data', (d: Buffer) => resolve(d.toString())),
    );
    stream.write('ping through the pod');
    expect(await reply).toBe('ping through the pod');
    stream.end();
    await expect(
      new Promise((resolve, reject) =>
        client.forwardOut('127.0.0.1', 5555, '10.1.2.3', 80, (err, ch) =>
          err ? reject(err) : resolve(ch),
        ),
      ),
    ).rejects.toThrow(/prohibited|failure|refused/i);
    client.end();
    echo.close();
  });

  it('refuses connections and cuts them after N bytes when told to', async () => {
    f.pod.setFaults({ refuseConnections: true });
    await expect(
      connect(f.pod.port, { privateKey: f.key.privateKey, readyTimeout: 5000 }),
    ).rejects.toThrow();
    const closedAtOnce = await new Promise<number>((resolve) => {
      const socket = tcpConnect(f.pod.port, '127.0.0.1');
      let bytes = 0;
      socket.on('data', (d) => {
        bytes += d.length;
      });
      socket.on('close', () => resolve(bytes));
      socket.on('error', () => {});
    });
    expect(closedAtOnce).toBe(0);

    f.pod.setFaults({ refuseConnections: false, disconnectAfterBytes: 200_000 });
    const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.on('error', () => {});
    const { stdoutBytes } = await openExec(client, 'head -c 5000000 /dev/zero');
    await closed;
    const received = stdoutBytes();
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(200_000);

    f.pod.setFaults({});
    const again = await connect(f.pod.port, { privateKey: f.key.privateKey });
    expect((await run(again, 'echo back')).stdout.toString()).toBe('back\n');
    again.end();
  });
});

describe('closing a pod', () => {
  it.each(['auto', 'none'] as const)(
    'ends every connection and leaves no process running (sandbox %s)',
    async (sandbox) => {
      const f = await podFixture({ sandbox });
      const marker = `lium-close-marker-${process.pid}-${Date.now()}`;
      const client: Client = await connect(f.pod.port, { privateKey: f.key.privateKey });
      const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
      client.on('error', () => {});
      const busy = await openExec(client, `echo started; exec -a ${marker} sleep 300`);
      await busy.untilStdout('started');
      await run(client, `nohup bash -c 'exec -a ${marker}-bg sleep 300' >/dev/null 2>&1 &`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(processesMatching(marker).length).toBeGreaterThanOrEqual(2);
      expect(f.pod.runningCommands).toBeGreaterThanOrEqual(2);

      await f.pod.close();
      await closed;
      expect(processesMatching(marker)).toEqual([]);
      expect(f.pod.runningCommands).toBe(0);
      await expect(
        connect(f.pod.port, { privateKey: f.key.privateKey, readyTimeout: 3000 }),
      ).rejects.toThrow();
      await f.cleanup();
    },
  );

  it('starts with sandbox "none" and says so', async () => {
    const f = await podFixture({ sandbox: 'none' });
    expect(f.pod.isolation).toBe('none');
    const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    const result = await run(client, 'pwd; echo "$HOME"');
    expect(result.stdout.toString()).toBe(`${f.podsDir}/pod-1/root\n${f.podsDir}/pod-1/root\n`);
    client.end();
    await f.cleanup();
  });

  it('rejects a bad authorized key up front', async () => {
    await expect(
      startPodServer({ podId: 'bad', dataDir: '/tmp/lium-bad-pod', authorizedKeys: ['not a key'] }),
    ).rejects.toMatchObject({ code: 'pod_key_invalid' });
  });
});

describe('host keys', () => {
  it('are always valid OpenSSH ed25519 keys (ssh2 writes some malformed)', () => {
    for (let i = 0; i < 600; i += 1) {
      expect(ssh2.utils.parseKey(generateHostKey())).not.toBeInstanceOf(Error);
    }
  });
});
