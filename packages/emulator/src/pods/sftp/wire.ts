import type { SFTPWrapper } from 'ssh2';

/**
 * What ssh2 1.17's server-side SFTP object cannot say by itself, written on its channel
 * directly: a VERSION with extensions (it always answers a bare `VERSION 3`), EXTENDED_REPLY
 * packets, and the session's exit status. Everything here goes through the same window
 * accounting and output queue as ssh2's own packets, so the answers stay in request order.
 */

interface RawProtocol {
  channelData(id: number, data: Buffer): void;
  exitStatus(id: number, status: number): void;
}

interface RawSftp {
  _protocol: RawProtocol;
  _buffer: Buffer[];
  _waitWindow: boolean;
  _chunkcb: (() => void) | undefined;
  outgoing: { id: number; state: string; window: number; packetSize: number };
}

const raw = (sftp: SFTPWrapper): RawSftp => sftp as unknown as RawSftp;

const VERSION = 2;
const DATA = 103;
const EXTENDED_REPLY = 201;

/** ssh2's fixed answer to INIT: length 5, VERSION, version 3. */
const BARE_VERSION = Buffer.from([0, 0, 0, 5, VERSION, 0, 0, 0, 3]);

export function sshString(value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * Makes the server's VERSION packet list `extensions` (name → version string), as OpenSSH's
 * sftp-server does; clients only use an extension the server announced. Must be called before
 * the client's INIT arrives (right after accepting the subsystem).
 */
export function announceExtensions(
  sftp: SFTPWrapper,
  extensions: Readonly<Record<string, string>>,
): void {
  const channel = raw(sftp);
  const protocol = channel._protocol;
  const parts: Buffer[] = [Buffer.from([VERSION, 0, 0, 0, 3])];
  for (const [name, version] of Object.entries(extensions)) {
    parts.push(sshString(name), sshString(version));
  }
  const payload = Buffer.concat(parts);
  const packet = Buffer.concat([Buffer.alloc(4), payload]);
  packet.writeUInt32BE(payload.length);
  // A per-instance stand-in for the connection's protocol object, until the VERSION is out.
  const standIn = Object.create(protocol) as RawProtocol;
  standIn.channelData = (id, data) => {
    if (data.equals(BARE_VERSION)) {
      channel._protocol = protocol;
      // ssh2 counted 9 bytes against the peer's window; count the rest.
      channel.outgoing.window = Math.max(
        0,
        channel.outgoing.window - (packet.length - data.length),
      );
      protocol.channelData(id, packet);
    } else protocol.channelData(id, data);
  };
  channel._protocol = standIn;
}

/**
 * Sends `SSH_FXP_EXTENDED_REPLY` for `reqid`. The packet joins ssh2's output queue when
 * earlier answers are still waiting for window space, so the order of answers is kept.
 */
export function sendExtendedReply(sftp: SFTPWrapper, reqid: number, body: Buffer): void {
  const packet = Buffer.alloc(9 + body.length);
  packet.writeUInt32BE(5 + body.length, 0);
  packet[4] = EXTENDED_REPLY;
  packet.writeUInt32BE(reqid, 5);
  body.copy(packet, 9);
  sendOrQueue(raw(sftp), packet);
}

/** Where a DATA answer's bytes start in its packet: length, type, request id, data length. */
export const DATA_HEADER = 13;

/**
 * Sends `SSH_FXP_DATA` for `reqid` whose `length` bytes already sit at `DATA_HEADER` in
 * `packet` (read there straight from the file, so they are not copied once more, as ssh2's
 * `sftp.data()` copies them). Same output queue as every other answer, so the order is kept.
 */
export function sendData(sftp: SFTPWrapper, reqid: number, packet: Buffer, length: number): void {
  packet.writeUInt32BE(DATA_HEADER - 4 + length, 0);
  packet[4] = DATA;
  packet.writeUInt32BE(reqid, 5);
  packet.writeUInt32BE(length, 9);
  const end = DATA_HEADER + length;
  sendOrQueue(raw(sftp), end === packet.length ? packet : packet.subarray(0, end));
}

/**
 * ssh2's own `sendOrBuffer`/`drainBuffer` (SFTP.js), which it does not export: write what the
 * peer's window allows, queue the rest, and drain the queue in order when the window grows.
 */
function sendOrQueue(channel: RawSftp, packet: Buffer): void {
  if (channel._buffer.length > 0) {
    channel._buffer.push(packet);
    return;
  }
  const rest = tryWrite(channel, packet);
  if (rest) channel._buffer.push(rest);
}

function tryWrite(channel: RawSftp, packet: Buffer): Buffer | undefined {
  const out = channel.outgoing;
  if (out.state !== 'open') return undefined;
  let p = 0;
  while (p < packet.length && out.window > 0) {
    const n = Math.min(packet.length - p, out.window, out.packetSize);
    out.window -= n;
    channel._protocol.channelData(out.id, packet.subarray(p, p + n));
    p += n;
  }
  if (p === packet.length) return undefined;
  channel._waitWindow = true;
  channel._chunkcb = drain;
  return packet.subarray(p);
}

function drain(this: RawSftp): void {
  this._chunkcb = undefined;
  while (this._buffer.length > 0) {
    const next = this._buffer[0] as Buffer;
    const rest = tryWrite(this, next);
    if (rest) {
      this._buffer[0] = rest;
      return;
    }
    this._buffer.shift();
  }
}

/** uint64 fields, big-endian, for EXTENDED_REPLY bodies. */
export function uint64s(values: readonly (number | bigint)[]): Buffer {
  const buf = Buffer.alloc(8 * values.length);
  values.forEach((value, i) => {
    buf.writeBigUInt64BE(BigInt(value), i * 8);
  });
  return buf;
}

/**
 * Like sftp-server exiting 0: `scp` (SFTP mode) fails a transfer whose channel closes without
 * an exit status. ssh2's SFTP object has no `exit()`, so the request goes out through the
 * channel's protocol directly.
 */
export function sendExitStatus(sftp: SFTPWrapper, status: number): void {
  const channel = raw(sftp);
  if (channel.outgoing.state === 'open') channel._protocol.exitStatus(channel.outgoing.id, status);
}
