import { createServer, type Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connection.ts';

/** A local port tunnelled to a port on (or reachable from) the pod. */
export interface ForwardOptions {
  /** Local port to listen on (default 0: the system picks one; read it from the result). */
  localPort?: number | undefined;
  /** Local address to bind (default 127.0.0.1: never exposed to the network by accident). */
  localHost?: string | undefined;
  /** The port on the pod to reach. */
  remotePort: number;
  /** Address as seen from the pod (default 127.0.0.1). */
  remoteHost?: string | undefined;
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

/** Listens locally and tunnels each connection over the SSH connection (direct-tcpip). */
export async function forwardPort(
  connection: SshConnection,
  options: ForwardOptions,
): Promise<PortForward> {
  const remoteHost = options.remoteHost ?? '127.0.0.1';
  const open = new Set<Socket | ClientChannel>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    connection.client.forwardOut(
      socket.remoteAddress ?? '127.0.0.1',
      socket.remotePort ?? 0,
      remoteHost,
      options.remotePort,
      (error, channel) => {
        if (error) return socket.destroy();
        open.add(channel);
        channel.on('error', () => channel.close());
        channel.on('close', () => {
          open.delete(channel);
          socket.destroy();
        });
        socket.on('close', () => channel.close());
        socket.pipe(channel).pipe(socket);
        socket.resume();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.localPort ?? 0, options.localHost ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;
  let release!: () => void;
  // Keeps the pooled connection from idling out while the forward is open.
  void connection.use(() => new Promise<void>((resolve) => (release = resolve)));
  const closed = connection.closed.then(() => {
    server.close();
  });
  let closing: Promise<void> | undefined;
  return {
    localPort,
    disconnected: closed,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const each of open) {
          if ('destroy' in each && typeof each.destroy === 'function') each.destroy();
          else (each as ClientChannel).close();
        }
        open.clear();
      }).finally(release);
      return closing;
    },
  };
}
