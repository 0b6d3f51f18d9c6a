import type { Socket } from 'node:net';

/**
 * Sends every write a connection makes in one tick as one `writev`. ssh2 writes an encrypted
 * packet and its 16-byte MAC as two writes and answers a request with several packets in a
 * row, so an `exec true` cost the pod 37 write syscalls (and the client as many TCP segments to
 * wake up for); corked until the next tick, the same bytes go out in about a quarter of them,
 * in the same order and with nothing held back past the current tick. Nagle stays off.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };
  const coalesced = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return write(chunk, ...rest);
  };
  socket.write = coalesced as Socket['write'];
}
