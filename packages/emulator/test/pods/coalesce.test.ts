import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../src/pods/coalesce.ts';

/** A real loopback TCP pair: `server` is the pod's side, `received` what the client got. */
async function socketPair(): Promise<{ server: Socket; received: () => Promise<Buffer> }> {
  const listener: Server = createServer();
  listeners.push(listener);
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const accepted = once(listener, 'connection');
  const client = tcpConnect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(client, 'end');
  const [server] = (await accepted) as [Socket];
  server.setNoDelay(true);
  return {
    server,
    received: async () => {
      await ended;
      client.destroy();
      return Buffer.concat(chunks);
    },
  };
}

const listeners: Server[] = [];
afterEach(() => {
  for (const listener of listeners.splice(0)) listener.close();
});

describe('coalesceWrites', () => {
  it('holds the writes of one event-loop turn and sends them together, in order', async () => {
    const { server, received } = await socketPair();
    coalesceWrites(server);
    server.write(Buffer.from('len:'));
    server.write(Buffer.from('body;'));
    server.write(Buffer.from('mac.'));
    // Nothing has gone to the kernel yet: the three chunks wait for one writev.
    expect(server.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.writableCorked).toBe(0);
    server.write(Buffer.from('next'));
    expect(server.writableCorked).toBe(1);
    server.end();
    expect((await received()).toString()).toBe('len:body;mac.next');
  });

  it('loses nothing when the socket is ended in the same turn as the writes', async () => {
    const { server, received } = await socketPair();
    coalesceWrites(server);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    server.write(Buffer.from('head'));
    server.write(big);
    server.end(Buffer.from('tail'));
    const got = await received();
    expect(got.length).toBe(big.length + 8);
    expect(got.subarray(0, 4).toString()).toBe('head');
    expect(got.subarray(-4).toString()).toBe('tail');
  });
});
