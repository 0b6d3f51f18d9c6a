import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { opensshPodsUnavailable } from '@lium/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';
import { answered, freePort } from './net-helpers.ts';

// Remote forwards need the pod's server to listen for us: real OpenSSH pods do (as on Lium),
// the emulator's ssh2 pods do not. OpenSSH pods need root and bubblewrap (not CI's unshare pass).
const noOpensshPods =
  opensshPodsUnavailable() ??
  (process.env.LIUM_EMULATOR_SANDBOX === 'unshare' ? 'this run uses unshare' : undefined);
if (noOpensshPods !== undefined) console.warn(`ssh -R test skipped: ${noOpensshPods}`);

type SocksAddress = { ipv4: string } | { domain: string };

/**
 * A minimal SOCKS5 client (RFC 1928, no authentication): CONNECT through the proxy, send one
 * HTTP GET, and return the reply code and what the server answered.
 */
function socksGet(
  proxyPort: number,
  to: SocksAddress,
  port: number,
  path: string,
): Promise<{ reply: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('SOCKS exchange timed out'));
    }, 30_000);
    let stage: 'greeting' | 'reply' | 'body' = 'greeting';
    let buffered = Buffer.alloc(0);
    let reply = -1;
    const address =
      'ipv4' in to
        ? Buffer.from([1, ...to.ipv4.split('.').map(Number)])
        : Buffer.concat([Buffer.from([3, to.domain.length]), Buffer.from(to.domain, 'latin1')]);
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16BE(port);
    socket.on('connect', () => socket.write(Buffer.from([5, 1, 0])));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting' && buffered.length >= 2) {
        expect([...buffered.subarray(0, 2)]).toEqual([5, 0]);
        buffered = buffered.subarray(2);
        stage = 'reply';
        socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, portBytes]));
      }
      if (stage === 'reply' && buffered.length >= 10) {
        reply = buffered[1] as number;
        buffered = buffered.subarray(10);
        stage = 'body';
        if (reply !== 0) return socket.end();
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = buffered.toString('utf8');
      resolve({ reply, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('lium ssh -L/-R/-D/-N: OpenSSH forwards over the pinned connection (issue #14)', () => {
  const world = useEmulatorWorld({
    executors: 4,
    readyDelayMs: 50,
    ...(noOpensshPods === undefined ? { podSsh: 'openssh' as const } : {}),
  });
  let podPort = 0;
  const podServer = new AbortController();
  let serving: Promise<unknown> = Promise.resolve();
  let here: Server | undefined;
  let herePort = 0;

  beforeAll(async () => {
    expect((await world.lium(['ls', '--limit', '2'])).code).toBe(0);
    const up = await world.lium(['up', '1', '-y', '--name', 'fw']);
    expect(up.code, up.stderr).toBe(0);
    podPort = await freePort();
    // An HTTP server inside the pod, on its localhost only, until the tests are done.
    const script = `require('http').createServer((q, s) => s.end('hello from the pod ' + q.url)).listen(${podPort}, '127.0.0.1')`;
    serving = world.lium(['exec', 'fw', 'timeout', '120', 'node', '-e', script], {
      signal: podServer.signal,
    });
    // And one on this machine's 127.0.0.1, for the pod to reach through -R.
    here = createHttpServer((request, response) => response.end(`hello from here ${request.url}`));
    await new Promise<void>((resolve) => here?.listen(0, '127.0.0.1', resolve));
    herePort = (here.address() as AddressInfo).port;
  }, 90_000);

  afterAll(async () => {
    podServer.abort();
    await serving;
    here?.close();
  });

  it("-N -L reaches a server on the pod's localhost until Ctrl-C (exit 130, no error)", async () => {
    const local = await freePort();
    const interrupt = new AbortController();
    const running = world.lium(['ssh', 'fw', '-N', '-L', `${local}:localhost:${podPort}`], {
      signal: interrupt.signal,
    });
    expect(await answered(`http://127.0.0.1:${local}/l`)).toBe('hello from the pod /l');
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`-L 127.0.0.1:${local} → localhost:${podPort} from the pod`);
    expect(result.stderr).not.toMatch(/interrupt|error|aborted/i);
    // Gone with the session.
    expect(await fetch(`http://127.0.0.1:${local}/`).catch(() => 'closed')).toBe('closed');
  }, 90_000);

  it.skipIf(noOpensshPods !== undefined)(
    '-R lets a command on the pod reach a server on this machine, for the life of the command',
    async () => {
      const remote = await freePort();
      const script = `fetch('http://127.0.0.1:${remote}/r').then((r) => r.text()).then((t) => console.log(t))`;
      // The attached form (-Rport:host:hostport) is OpenSSH's too.
      const result = await world.lium([
        'ssh',
        'fw',
        `-R${remote}:127.0.0.1:${herePort}`,
        'node',
        '-e',
        script,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('hello from here /r');
      expect(result.stderr).toContain(`-R the pod's localhost:${remote} → 127.0.0.1:${herePort}`);
    },
    90_000,
  );

  it('-D is a SOCKS5 proxy whose CONNECTs (domain and IPv4) leave from the pod; -L repeats', async () => {
    const [socks, a, b] = [await freePort(), await freePort(), await freePort()];
    const interrupt = new AbortController();
    const running = world.lium(
      [
        'ssh',
        'fw',
        '-N',
        '-D',
        String(socks),
        '-L',
        `${a}:127.0.0.1:${podPort}`,
        '-L',
        `127.0.0.1:${b}:127.0.0.1:${podPort}`,
      ],
      { signal: interrupt.signal },
    );
    expect(await answered(`http://127.0.0.1:${a}/a`)).toBe('hello from the pod /a');
    expect(await answered(`http://127.0.0.1:${b}/b`)).toBe('hello from the pod /b');
    const byName = await socksGet(socks, { domain: 'localhost' }, podPort, '/name');
    expect(byName).toEqual({ reply: 0, body: 'hello from the pod /name' });
    const byAddress = await socksGet(socks, { ipv4: '127.0.0.1' }, podPort, '/ip');
    expect(byAddress).toEqual({ reply: 0, body: 'hello from the pod /ip' });
    // Nothing listens there on the pod: a SOCKS refusal, not a hang.
    const refused = await socksGet(socks, { ipv4: '127.0.0.1' }, await freePort(), '/');
    expect(refused.reply).not.toBe(0);
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`-D SOCKS5 proxy on 127.0.0.1:${socks}`);
  }, 90_000);

  it('bad specs are usage errors naming the flag and the form; a taken port says so', async () => {
    const short = await world.lium(['ssh', 'fw', '-N', '-L', '8080']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('-L "8080"');
    expect(short.stderr).toContain('[bind_address:]port:host:hostport');
    expect(short.stderr).not.toMatch(/^\s+at /m);
    const port = await world.lium(['ssh', 'fw', '-N', '-D', 'socks']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('-D "socks"');
    const remote = await world.lium(['ssh', 'fw', '-N', '-R', '9000:localhost:99999']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('hostport must be a number');
    const missing = await world.lium(['ssh', 'fw', '-N', '-D']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('-D needs a value');
    expect(missing.stderr).not.toContain('--D');
    const both = await world.lium(['ssh', 'fw', '-N', 'hostname']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('-N');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port: busyPort } = taken.address() as AddressInfo;
    const busy = await world.lium(['ssh', 'fw', '-N', '-L', `${busyPort}:localhost:80`]);
    taken.close();
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`local port ${busyPort} is already in use`);
  }, 90_000);
});
