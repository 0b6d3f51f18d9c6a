import type { Socket } from 'node:net';

export interface PodFaults {
  /** Close every new TCP connection at once, before the SSH banner. */
  refuseConnections?: boolean;
  /** Cut each connection once it has sent this many bytes to the client; null = never. */
  disconnectAfterBytes?: number | null;
}

/**
 * Counts the bytes a connection sends and destroys it once the pod's current
 * `disconnectAfterBytes` is reached (the limit is read on every write, so changing the fault
 * affects connections already open). The write that crosses the limit is cut short, so the
 * client sees exactly that many bytes.
 */
export function cutAfterBytes(socket: Socket, faults: () => PodFaults): void {
  let sent = 0;
  let cut = false;
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const limited = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (cut) return false;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    const limit = faults().disconnectAfterBytes;
    const room = limit === null || limit === undefined ? Number.POSITIVE_INFINITY : limit - sent;
    if (bytes.length < room) {
      sent += bytes.length;
      return write(bytes, ...rest);
    }
    cut = true;
    if (room > 0) write(bytes.subarray(0, room));
    socket.end(() => socket.destroy());
    return false;
  };
  socket.write = limited as Socket['write'];
}
