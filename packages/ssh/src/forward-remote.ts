import { connect, type Socket } from 'node:net';
import type {
  AcceptConnection,
  Client,
  ClientChannel,
  RejectConnection,
  TcpConnectionDetails,
} from 'ssh2';
import type { SshConnection } from './connection.ts';
import { holdConnection, joinStreams, OpenStreams } from './tunnel.ts';

/** A port on the pod whose connections are carried back and opened from here (`ssh -R`). */
export interface RemoteForwardOptions {
  /** Port to listen on, on the pod (0: the server picks one; read it from the result). */
  remotePort: number;
  /** Address to listen on, on the pod (default `localhost`: the pod's loopback). */
  remoteBind?: string | undefined;
  /** Where each connection goes from this machine. */
  localHost: string;
  /** Port each connection goes to on {@link RemoteForwardOptions.localHost}. */
  localPort: number;
}

/** A listening remote forward, until {@link RemoteForward.close}. */
export interface RemoteForward {
  /** The port it listens on, on the pod (the server's pick when 0 was asked). */
  remotePort: number;
  /** Settles when the SSH connection closes (the forward is gone then). */
  disconnected: Promise<void>;
  /** Stops listening on the pod and closes every forwarded connection. */
  close(): Promise<void>;
}

type Incoming = (accept: AcceptConnection<ClientChannel>, reject: RejectConnection) => void;

/**
 * One `tcp connection` listener per client, routing by the port the server says it came to:
 * several remote forwards share a connection, and a connection nobody claims is refused
 * rather than left hanging.
 */
const routes = new WeakMap<Client, Map<number, Incoming>>();

function routesOf(client: Client): Map<number, Incoming> {
  let byPort = routes.get(client);
  if (!byPort) {
    const table = new Map<number, Incoming>();
    byPort = table;
    routes.set(client, table);
    client.on('tcp connection', (details: TcpConnectionDetails, accept, reject) => {
      const route = table.get(details.destPort);
      if (route) route(accept, reject);
      else reject();
    });
  }
  return byPort;
}

/** Asks the server to listen on the pod (tcpip-forward); resolves with the port it bound. */
function listenRemotely(client: Client, bind: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    client.forwardIn(bind, port, (error, bound) => {
      if (error) reject(error);
      else resolve(port === 0 ? bound : port);
    });
  });
}

/**
 * Listens on a port of the pod through the SSH connection; each connection to it is carried
 * back and opened from this machine to `localHost:localPort`. Rejects when the server refuses
 * to listen (the port is in use on the pod, or forwarding is turned off there).
 */
export async function forwardRemote(
  connection: SshConnection,
  options: RemoteForwardOptions,
): Promise<RemoteForward> {
  const { client } = connection;
  const bind = options.remoteBind ?? 'localhost';
  const table = routesOf(client);
  const remotePort = await listenRemotely(client, bind, options.remotePort);
  const streams = new OpenStreams();
  table.set(remotePort, (accept) => {
    const channel = accept();
    streams.add(channel);
    channel.pause();
    const socket: Socket = connect(options.localPort, options.localHost);
    streams.add(socket);
    socket.on('error', () => {
      socket.destroy();
      channel.close();
    });
    socket.once('connect', () => {
      joinStreams(socket, channel);
      channel.resume();
    });
  });
  const release = holdConnection(connection);
  const disconnected = connection.closed.then(() => {
    table.delete(remotePort);
  });
  let closing: Promise<void> | undefined;
  return {
    remotePort,
    disconnected,
    close() {
      closing ??= new Promise<void>((resolve) => {
        table.delete(remotePort);
        streams.closeAll();
        if (connection.isClosed) return resolve();
        // A dying connection may never answer: the forward is gone with it anyway.
        setTimeout(resolve, 2000).unref();
        client.unforwardIn(bind, remotePort, () => resolve());
      }).finally(release);
      return closing;
    },
  };
}
