import type { SshConnection } from './connection.ts';
import { joinStreams, type LocalBind, listenLocally, type PortForward } from './tunnel.ts';

export type { PortForward } from './tunnel.ts';

/** A local port tunnelled to a port on (or reachable from) the pod (`ssh -L`). */
export interface ForwardOptions extends LocalBind {
  /** The port on the pod to reach. */
  remotePort: number;
  /** Address as seen from the pod (default 127.0.0.1). */
  remoteHost?: string | undefined;
}

/** Listens locally and tunnels each connection over the SSH connection (direct-tcpip). */
export function forwardPort(
  connection: SshConnection,
  options: ForwardOptions,
): Promise<PortForward> {
  const remoteHost = options.remoteHost ?? '127.0.0.1';
  return listenLocally(connection, options, (socket, streams) => {
    socket.pause();
    connection.client.forwardOut(
      socket.remoteAddress ?? '127.0.0.1',
      socket.remotePort ?? 0,
      remoteHost,
      options.remotePort,
      (error, channel) => {
        if (error) return socket.destroy();
        streams.add(channel);
        joinStreams(socket, channel);
      },
    );
  });
}
