import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { JsonRpcSocket } from '../src/index.ts';

let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const { id, method } = JSON.parse(String(data));
      if (method === 'watch') {
        // The id and the first updates back to back, as a node does: often one TCP read.
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, result: 'sub-1' }));
        for (const result of ['ready', { inBlock: '0x01' }]) {
          ws.send(
            JSON.stringify({
              jsonrpc: '2.0',
              method: 'update',
              params: { subscription: 'sub-1', result },
            }),
          );
        }
      } else if (method === 'fail') {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id,
            error: { code: 1010, message: 'Invalid Transaction', data: 'bad' },
          }),
        );
      }
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('JsonRpcSocket', () => {
  it('delivers updates that arrive before the subscription id is handled', async () => {
    const rpc = await JsonRpcSocket.connect(url, { timeoutMs: 2_000 });
    const seen: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      seen.length = 0;
      await rpc.subscribe('watch', [], (result) => seen.push(result));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['ready', { inBlock: '0x01' }]);
      rpc.forget('sub-1');
    }
    rpc.close();
  });

  it('turns an error answer into RpcCallError and silence into chain_timeout', async () => {
    const rpc = await JsonRpcSocket.connect(url, { timeoutMs: 300 });
    const failed = await rpc.request<never>('fail').catch((e) => e);
    expect(failed.rpc).toEqual({ code: 1010, message: 'Invalid Transaction', data: 'bad' });
    const silent = await rpc.request<never>('nothing').catch((e) => e);
    expect(silent.code).toBe('chain_timeout');
    rpc.close();
  });
});
