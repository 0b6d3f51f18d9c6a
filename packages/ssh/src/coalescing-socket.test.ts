import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites, connectCoalescing } from './coalescing-socket.ts';

describe('connectCoalescing (one writev per tick)', () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  /** A loopback server that collects what one connection sends until it ends. */
  function sink(): Promise<{ port: number; received: Promise<Buffer> }> {
    let deliver!: (data: Buffer) => void;
    const received = new Promise<Buffer>((resolve) => {
      deliver = resolve;
    });
    server = createServer((socket) => {
      const parts: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => parts.push(chunk));
      socket.on('end', () => deliver(Buffer.concat(parts)));
    });
    return new Promise((resolve) => {
      server?.listen(0, '127.0.0.1', () => {
        const address = server?.address();
        resolve({ port: typeof address === 'object' && address ? address.port : 0, received });
      });
    });
  }

  it.each([
    [
      'opened by connectCoalescing',
      (port: number) => connectCoalescing({ host: '127.0.0.1', port }),
    ],
    // The preconnect's socket, opened before @lium/ssh loaded, is made coalescing when adopted.
    ['already connecting', (port: number) => coalesceWrites(connect({ host: '127.0.0.1', port }))],
  ])(
    '%s: holds the writes of a tick (also after connect) and delivers every byte in order',
    async (_name, open) => {
      const { port, received } = await sink();
      const socket = open(port);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // net.Socket#connect installs its own `write`: ours must still be the one that runs.
      socket.write(Buffer.from('len4'));
      expect(socket.writableCorked).toBe(1);
      socket.write(Buffer.alloc(32 * 1024, 7));
      socket.write('tag-of-sixteen!!', 'utf8');
      expect(socket.writableCorked).toBe(1);
      expect(socket.writableLength).toBe(4 + 32 * 1024 + 16);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(socket.writableCorked).toBe(0);
      let called = false;
      socket.write(Buffer.from('end'), () => {
        called = true;
      });
      socket.end();
      const data = await received;
      expect(called).toBe(true);
      expect(data.length).toBe(4 + 32 * 1024 + 16 + 3);
      expect(data.subarray(0, 4).toString()).toBe('len4');
      expect(data.subarray(4 + 32 * 1024).toString()).toBe('tag-of-sixteen!!end');
    },
  );
});
