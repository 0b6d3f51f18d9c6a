import type { Socket } from 'node:net';

/**
 * Gathers everything written to `socket` in one turn of the event loop into one `writev`.
 *
 * ssh2 writes each SSH packet as three or four separate chunks (length, body, MAC, for
 * chacha20-poly1305 and AES-GCM), and with Nagle off every chunk became its own `write(2)` and
 * its own TCP segment: an `sftp` download of 512 MiB made 59 000 writes of mostly 4 and 16
 * bytes, and the client had to read them one by one. Corked until the current turn ends, the
 * chunks leave together, still in order and still without Nagle's delay.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };
  const gathered = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return write(chunk, ...rest);
  };
  socket.write = gathered as Socket['write'];
}
