import { describe, expect, it } from 'vitest';
import { readGreeting, readRequest, socksReply } from './socks5.ts';

const request = (kind: number, address: number[], port: number, extra: number[] = []) =>
  Buffer.from([5, 1, 0, kind, ...address, port >> 8, port & 0xff, ...extra]);

describe('SOCKS5 handshake parsing (RFC 1928)', () => {
  it('accepts no-authentication, refuses clients that offer only other methods', () => {
    expect(readGreeting(Buffer.from([5]))).toEqual({ type: 'more' });
    expect(readGreeting(Buffer.from([5, 2, 2]))).toEqual({ type: 'more' });
    const ok = readGreeting(Buffer.from([5, 2, 2, 0, 9]));
    expect(ok).toEqual({ type: 'greeted', reply: Buffer.from([5, 0]), rest: Buffer.from([9]) });
    expect(readGreeting(Buffer.from([5, 1, 2]))).toEqual({
      type: 'refuse',
      reply: Buffer.from([5, 0xff]),
    });
    expect(readGreeting(Buffer.from([4, 1, 0])).type).toBe('refuse');
  });

  it('reads CONNECT to IPv4, a domain name and IPv6, keeping early payload', () => {
    expect(readRequest(request(1, [10, 0, 0, 7], 8080, [65]))).toEqual({
      type: 'connect',
      destination: { host: '10.0.0.7', port: 8080 },
      rest: Buffer.from([65]),
    });
    const name = [...Buffer.from('example.org')];
    expect(readRequest(request(3, [name.length, ...name], 443))).toMatchObject({
      destination: { host: 'example.org', port: 443 },
    });
    const v6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(readRequest(request(4, v6, 22))).toMatchObject({
      destination: { host: '0:0:0:0:0:0:0:1', port: 22 },
    });
    expect(readRequest(request(1, [10, 0], 0).subarray(0, 7))).toEqual({ type: 'more' });
  });

  it('answers BIND/UDP and unknown address types with their reply codes', () => {
    const bind = Buffer.from([5, 2, 0, 1, 1, 2, 3, 4, 0, 80]);
    expect(readRequest(bind)).toEqual({ type: 'refuse', reply: socksReply(7) });
    expect(readRequest(request(9, [1, 2, 3, 4], 80))).toEqual({
      type: 'refuse',
      reply: socksReply(8),
    });
  });
});
