import { createServer, type Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connection.ts';

/** Where a forward listens on this machine. */
export interface LocalBind {
  /** Local port to listen on (default 0: the system picks one; read it from the result). */
  localPort?: number | undefined;
  /** Local address to bind (default 127.0.0.1: never exposed to the network by accident). */
  localHost?: string | undefined;
}

/** A listening forward; connections to it are tunnelled until {@link PortForward.close}. */
export interface PortForward {
  /** The local port it listens on (the system's pick when 0 was asked). */
  localPort: number;
  /**
   * Settles when the SSH connection under the tunnel closes (the pod went away, the network
   * dropped): the tunnel no longer works then, though `close()` was not called.
   */
  disconnected: Promise<void>;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

/** The sockets and channels of a forward, closed together when the forward closes. */
export class OpenStreams {
  readonly #open = new Set<Socket | ClientChannel>();

  add(stream: Socket | ClientChannel): void {
    this.#open.add(stream);
    stream.once('close', () => this.#open.delete(stream));
  }

  closeAll(): void {
    for (const each of this.#open) {
      if ('destroy' in each && typeof each.destroy === 'function') each.destroy();
      else (each as ClientChannel).close();
    }
    this.#open.clear();
  }
}

/**
 * Joins a TCP socket and an SSH channel both ways (`head`: bytes already read from the socket),
 * each end closing the other.
 */
export function joinStreams(socket: Socket, channel: ClientChannel, head?: Buffer): void {
  channel.on('error', () => channel.close());
  socket.on('error', () => socket.destroy());
  channel.on('close', () => socket.destroy());
  socket.on('close', () => channel.close());
  if (head !== undefined && head.length > 0) channel.write(head);
  socket.pipe(channel).pipe(socket);
  socket.resume();
}

/** Holds the pooled connection in use (no idle close) until the returned function is called. */
export function holdConnection(connection: SshConnection): () => void {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  void connection.use(() => held);
  return () => release();
}

/**
 * Listens on a local port and hands each accepted socket to `onSocket` (which tunnels it over
 * the connection); the listener and every stream it tracked close with the forward, or when
 * the SSH connection closes.
 */
export async function listenLocally(
  connection: SshConnection,
  bind: LocalBind,
  onSocket: (socket: Socket, streams: OpenStreams) => void,
): Promise<PortForward> {
  const streams = new OpenStreams();
  const server = createServer((socket) => {
    streams.add(socket);
    socket.on('error', () => socket.destroy());
    onSocket(socket, streams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.localPort ?? 0, bind.localHost ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;
  const release = holdConnection(connection);
  const disconnected = connection.closed.then(() => {
    server.close();
  });
  let closing: Promise<void> | undefined;
  return {
    localPort,
    disconnected,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        streams.closeAll();
      }).finally(release);
      return closing;
    },
  };
}
