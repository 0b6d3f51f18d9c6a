/**
 * The server side of a SOCKS5 handshake (RFC 1928), no authentication, CONNECT only: what
 * `ssh -D` speaks. Pure parsing of the bytes read so far; the caller does the I/O.
 */

/** Where a client asked to connect. */
export interface SocksDestination {
  host: string;
  port: number;
}

/** The parser's answer for the bytes read so far. */
export type SocksStep =
  /** Not enough bytes yet: read more and ask again. */
  | { type: 'more' }
  /** Write `reply` and close: the client asked for something this server does not do. */
  | { type: 'refuse'; reply: Buffer }
  /** The greeting was read: write `reply` and go on reading the request from `rest`. */
  | { type: 'greeted'; reply: Buffer; rest: Buffer }
  /** The request was read: connect, then write {@link socksReply}; `rest` is early payload. */
  | { type: 'connect'; destination: SocksDestination; rest: Buffer };

const VERSION = 5;
const NO_AUTH = 0;
const NO_ACCEPTABLE_METHOD = 0xff;
const CONNECT = 1;

/** Reply codes of RFC 1928 §6 that a forward can answer with. */
export const SOCKS_REPLY = {
  succeeded: 0,
  generalFailure: 1,
  connectionRefused: 5,
  commandNotSupported: 7,
  addressTypeNotSupported: 8,
} as const;

/** A reply with an all-zero IPv4 bound address (clients ignore it for CONNECT). */
export function socksReply(code: number): Buffer {
  return Buffer.from([VERSION, code, 0, 1, 0, 0, 0, 0, 0, 0]);
}

/** Reads the greeting (methods offered); no-authentication is the one accepted. */
export function readGreeting(data: Buffer): SocksStep {
  if (data.length < 2) return { type: 'more' };
  if (data[0] !== VERSION) return { type: 'refuse', reply: Buffer.alloc(0) };
  const count = data[1] as number;
  if (data.length < 2 + count) return { type: 'more' };
  const methods = data.subarray(2, 2 + count);
  if (!methods.includes(NO_AUTH)) {
    return { type: 'refuse', reply: Buffer.from([VERSION, NO_ACCEPTABLE_METHOD]) };
  }
  return {
    type: 'greeted',
    reply: Buffer.from([VERSION, NO_AUTH]),
    rest: data.subarray(2 + count),
  };
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Reads a CONNECT request: IPv4, domain name or IPv6 destination. */
export function readRequest(data: Buffer): SocksStep {
  if (data.length < 5) return { type: 'more' };
  if (data[0] !== VERSION) return { type: 'refuse', reply: Buffer.alloc(0) };
  if (data[1] !== CONNECT) {
    return { type: 'refuse', reply: socksReply(SOCKS_REPLY.commandNotSupported) };
  }
  const kind = data[3];
  let host: string;
  let at: number;
  if (kind === 1) {
    if (data.length < 10) return { type: 'more' };
    host = [...data.subarray(4, 8)].join('.');
    at = 8;
  } else if (kind === 3) {
    const length = data[4] as number;
    if (data.length < 5 + length + 2) return { type: 'more' };
    host = data.subarray(5, 5 + length).toString('latin1');
    at = 5 + length;
  } else if (kind === 4) {
    if (data.length < 22) return { type: 'more' };
    host = ipv6Text(data.subarray(4, 20));
    at = 20;
  } else {
    return { type: 'refuse', reply: socksReply(SOCKS_REPLY.addressTypeNotSupported) };
  }
  const port = data.readUInt16BE(at);
  return { type: 'connect', destination: { host, port }, rest: data.subarray(at + 2) };
}
