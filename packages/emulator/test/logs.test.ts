import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  newKeyPair,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('pod logs', () => {
  let emulator: Emulator;
  let api: ApiClient;
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 20, readyDelayMs: 300 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  const logLines = (text: string): string[] =>
    text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => (JSON.parse(line.slice(6)) as { log: string }).log);

  it('answers 404 "Pod container not deployed yet" while the pod is pending', async () => {
    const pod = await rentPod(api, keys.publicKey);
    const early = await api('GET', `/pods/${pod.id}/logs?tail=10&follow=false`);
    expect(early.status).toBe(404);
    expect(early.body).toMatchObject({ detail: 'Pod container not deployed yet' });
  });

  it('streams data: {"log": …} lines and honours tail', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    for (let i = 1; i <= 5; i++) emulator.control.appendPodLog(pod.id, `line ${i}`);
    const all = await api('GET', `/pods/${pod.id}/logs?follow=false`);
    expect(all.headers.get('content-type')).toContain('text/event-stream');
    const lines = logLines(all.text);
    expect(lines.at(-1)).toBe('line 5');
    expect(lines.some((l) => l.includes('SSH server listening'))).toBe(true);
    const tail = logLines((await api('GET', `/pods/${pod.id}/logs?tail=2&follow=false`)).text);
    expect(tail).toEqual(['line 4', 'line 5']);
  });

  it('keeps the stream open with follow=true and ends it when the pod is deleted', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const response = await fetch(`${emulator.baseUrl}/pods/${pod.id}/logs?tail=0&follow=true`, {
      headers: { 'x-api-key': emulator.apiKey },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    emulator.control.appendPodLog(pod.id, 'followed line');
    let text = '';
    while (!text.includes('followed line')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(logLines(text).at(-1)).toBe('followed line');
    await api('DELETE', `/pods/${pod.id}`);
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
    }
  });

  it('keeps clients that reset their SSH connection out of the container log', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const port = sshPortOf(pod);
    // What paramiko (the official Python client) often does after an exec: a TCP reset.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', () => {
        socket.write('SSH-2.0-paramiko_3.4.0\r\n');
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 100);
      });
    });
    // A later exec proves the server has handled the reset.
    expect((await sshExec(port, keys.privateKey, 'echo after')).stdout).toBe('after\n');
    emulator.control.appendPodLog(pod.id, 'marker');
    const lines = logLines((await api('GET', `/pods/${pod.id}/logs?tail=1000&follow=false`)).text);
    expect(lines.at(-1)).toBe('marker');
    expect(lines.filter((line) => /ECONNRESET|EPIPE/.test(line))).toEqual([]);
  });

  it('validates tail', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    expect((await api('GET', `/pods/${pod.id}/logs?tail=lots`)).status).toBe(422);
  });

  it('dropStreamAfterBytes cuts a log stream mid-line and resets the connection', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    for (let i = 1; i <= 50; i++) emulator.control.appendPodLog(pod.id, `line ${i}`);
    emulator.control.addFault({ method: 'GET', path: '/pods/*/logs', dropStreamAfterBytes: 100 });
    const response = await fetch(`${emulator.baseUrl}/pods/${pod.id}/logs?tail=50`, {
      headers: { 'x-api-key': emulator.apiKey },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    const broke = await (async () => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return false;
        received += chunk.value.length;
      }
    })().catch(() => true);
    expect(broke).toBe(true);
    expect(received).toBe(100);
    // The fault was used once: the next read gets every line.
    const whole = await api('GET', `/pods/${pod.id}/logs?tail=50&follow=false`);
    expect(logLines(whole.text)).toHaveLength(50);
    expect(() =>
      emulator.control.addFault({ path: '/pods/*/logs', dropStreamAfterBytes: -1 }),
    ).toThrow(/dropStreamAfterBytes/);
  });
});
