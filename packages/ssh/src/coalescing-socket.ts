import { Socket, type TcpNetConnectOpts } from 'node:net';

type WriteCallback = (error?: Error | null) => void;

/**
 * Makes a TCP socket send everything written during one tick with one `writev`. ssh2 writes each
 * packet in pieces (for AES-GCM: the 4-byte length, the ciphertext and the 16-byte tag, each its
 * own `socket.write`) and an SFTP request of 255 KiB as eight packets. With Nagle's algorithm off
 * (see connection.ts) every piece was a syscall and a TCP segment of its own: 27 500 writes for a
 * 256 MiB upload, a third of them 4 or 16 bytes long. Corked until the end of the tick, the same
 * upload takes about 1 000 `writev`s. Nothing waits longer: the tick ends before any I/O is polled.
 *
 * Call it after `connect()` (which sets an own `write` on the socket, hiding any set earlier):
 * for a socket the pool was handed already connecting, or through {@link connectCoalescing}.
 */
export function coalesceWrites<S extends Socket>(socket: S): S {
  let corked = false;
  const write = Socket.prototype.write as (
    this: Socket,
    chunk: Uint8Array | string,
    encoding?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ) => boolean;
  const coalescing = function (
    this: S,
    chunk: Uint8Array | string,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    if (!corked) {
      corked = true;
      this.cork();
      process.nextTick(() => {
        corked = false;
        this.uncork();
      });
    }
    return write.call(this, chunk, encodingOrCallback, callback);
  };
  socket.write = coalescing as S['write'];
  return socket;
}

/** Opens a socket whose writes {@link coalesceWrites} gathers (ssh2 takes it from there as `sock`). */
export function connectCoalescing(options: TcpNetConnectOpts): Socket {
  const socket = new Socket();
  socket.connect(options);
  return coalesceWrites(socket);
}
