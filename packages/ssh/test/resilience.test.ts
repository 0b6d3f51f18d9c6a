import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { type Sshd, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshDisconnectedError, SshTimeoutError } from '../src/index.ts';
import { type SshdFixture, sshdFixture, sshdSkip } from './helpers.ts';

/** A TCP relay to sshd that can be frozen: bytes stop flowing but nothing is closed (a dead NAT). */
async function freezableProxy(port: number) {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = netConnect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }
    client.on('data', (data) => frozen || upstream.write(data));
    upstream.on('data', (data) => frozen || client.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(sshdSkip !== undefined)(
  'timeouts, keepalive, idle close and the channel cap',
  () => {
    let f: SshdFixture;
    let limited: Sshd;
    beforeAll(async () => {
      f = await sshdFixture();
      limited = await startSshd({ extraConfig: ['MaxSessions 3'] });
      await limited.authorize(f.sshd.clientKey.publicKey);
    });
    afterAll(async () => {
      await limited?.stop();
      await f?.close();
    });

    it('detects a dead connection through keepalive instead of hanging', async () => {
      const proxy = await freezableProxy(f.sshd.port);
      const pool = f.newPool({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
      const target = { ...f.target, port: proxy.port, hostKeyId: 'via-proxy' };
      try {
        await pool.exec(target, 'true');
        const running = pool.exec(target, 'sleep 60');
        await new Promise((resolve) => setTimeout(resolve, 300));
        proxy.freeze();
        await expect(running).rejects.toBeInstanceOf(SshDisconnectedError);
        // The pool forgets the dead connection and opens a new one on the next call.
        expect(pool.size).toBe(0);
      } finally {
        await pool.closeAll();
        await proxy.close();
      }
    });

    it('times out a server that never completes the handshake', async () => {
      const accepted = new Set<Socket>();
      const silent = createServer((socket) => {
        accepted.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const pool = f.newPool({ connectTimeoutMs: 500 });
      try {
        await expect(
          pool.exec({ host: '127.0.0.1', port, user: 'root' }, 'true'),
        ).rejects.toBeInstanceOf(SshTimeoutError);
      } finally {
        await pool.closeAll();
        for (const socket of accepted) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('shares one failing connect among concurrent callers (no connect storm)', async () => {
      let accepted = 0;
      const slammer = createServer((socket) => {
        accepted++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => slammer.listen(0, '127.0.0.1', resolve));
      const port = (slammer.address() as { port: number }).port;
      const pool = f.newPool();
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            pool.exec({ host: '127.0.0.1', port, user: 'root' }, 'true'),
          ),
        );
        expect(results.every((r) => r.status === 'rejected')).toBe(true);
        // One shared connect for all 10 callers; a drop before the handshake is tried 3 times.
        expect(accepted).toBe(3);
        expect(pool.size).toBe(0);
      } finally {
        await pool.closeAll();
        await new Promise((resolve) => slammer.close(resolve));
      }
    });

    it('closes an idle connection and reconnects transparently', async () => {
      const pool = f.newPool({ idleTimeoutMs: 200 });
      await pool.exec(f.target, 'true');
      expect(pool.size).toBe(1);
      await expect.poll(() => pool.size, { timeout: 5_000 }).toBe(0);
      expect((await pool.exec(f.target, 'echo again')).stdout).toBe('again\n');
    });

    it('queues channels above the cap instead of failing against MaxSessions', async () => {
      // As the default 8 stays below OpenSSH's 10: a cap below the server's MaxSessions.
      const pool = f.newPool({ maxChannels: 2 });
      const target = {
        host: limited.host,
        port: limited.port,
        user: limited.user,
        hostKeyId: 'limited',
      };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => pool.exec(target, `sleep 0.2; echo ${i}`)),
      );
      expect(results.map((r) => r.stdout.trim())).toEqual(
        Array.from({ length: 12 }, (_, i) => `${i}`),
      );
      const connection = await pool.connection(target);
      expect(connection.limiter.active).toBe(0);
    });
  },
);
