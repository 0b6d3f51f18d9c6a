import { Socket, type TcpNetConnectOpts } from 'node:net';

type WriteCallback = (error?: Error | null) => void;

/**
 * A TCP socket that sends everything written during one tick with one `writev`. ssh2 writes each
 * packet in pieces (for AES-GCM: the 4-byte length, the ciphertext and the 16-byte tag, each its
 * own `socket.write`) and an SFTP request of 255 KiB as eight packets. With Nagle's algorithm off
 * (see connection.ts) every piece was a syscall and a TCP segment of its own: 27 500 writes for a
 * 256 MiB upload, a third of them 4 or 16 bytes long. Corked until the end of the tick, the same
 * upload takes about 1 000 `writev`s. Nothing waits longer: the tick ends before any I/O is polled.
 * Make one with {@link connectCoalescing}.
 */
export class CoalescingSocket extends Socket {
  #corked = false;

  override write(
    chunk: Uint8Array | string,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    if (!this.#corked) {
      this.#corked = true;
      this.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.uncork();
      });
    }
    return typeof encodingOrCallback === 'function'
      ? super.write(chunk, encodingOrCallback)
      : super.write(chunk, encodingOrCallback as BufferEncoding, callback);
  }
}

/** Opens a {@link CoalescingSocket} (connecting; ssh2 takes it from there as `sock`). */
export function connectCoalescing(options: TcpNetConnectOpts): CoalescingSocket {
  const socket = new CoalescingSocket();
  socket.connect(options);
  // net.Socket#connect sets an own `write` (Socket.prototype.write, to undo a write-after-FIN
  // guard of an earlier connection), which hides the subclass's; drop it so ours runs.
  Reflect.deleteProperty(socket, 'write');
  return socket;
}
