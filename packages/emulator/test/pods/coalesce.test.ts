import { once } from 'node:events';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../src/pods/coalesce.ts';

/** A real loopback TCP connection: the server side's socket and everything the client reads. */
async function pair(): Promise<{ server: Socket; received: () => Promise<Buffer>; close(): void }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = tcpConnect(port, '127.0.0.1');
  const [server] = (await once(listener, 'connection')) as [Socket];
  const chunks: Buffer[] = [];
  client.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(client, 'end');
  return {
    server,
    received: async () => {
      await ended;
      return Buffer.concat(chunks);
    },
    close: () => {
      client.destroy();
      listener.close();
    },
  };
}

describe('coalesced pod connection writes', () => {
  it('holds one tick’s writes corked and sends them in order, every byte, at the next tick', async () => {
    const { server, received, close } = await pair();
    coalesceWrites(server);
    server.write('SSH-2.0-x\r\n');
    server.write(Buffer.from('packet'));
    server.write(Buffer.from('mac'), () => {});
    expect(server.writableCorked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(server.writableCorked).toBe(0);
    server.write('second tick');
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.writableCorked).toBe(0);
    server.end('bye');
    expect((await received()).toString()).toBe('SSH-2.0-x\r\npacketmacsecond tickbye');
    close();
  });

  it('keeps write callbacks and large writes working', async () => {
    const { server, received, close } = await pair();
    coalesceWrites(server);
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    const done = new Promise<void>((resolve) => server.write(big, () => resolve()));
    server.write('tail');
    await done;
    server.end();
    const all = await received();
    expect(all.length).toBe(big.length + 4);
    expect(all.subarray(-4).toString()).toBe('tail');
    close();
  });
});
