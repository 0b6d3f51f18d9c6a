import type { Socket } from 'node:net';
import type { SshConnection } from './connection.ts';
import {
  readGreeting,
  readRequest,
  SOCKS_REPLY,
  type SocksDestination,
  type SocksStep,
  socksReply,
} from './socks5.ts';
import { joinStreams, type LocalBind, listenLocally, type PortForward } from './tunnel.ts';

/** A local SOCKS5 proxy whose connections leave from the pod (`ssh -D`). */
export type DynamicForwardOptions = LocalBind;

/**
 * Reads the SOCKS5 handshake off a fresh socket; resolves with where it asks to connect, or
 * undefined when the client went away or asked for what is not served (refused already).
 */
function handshake(
  socket: Socket,
): Promise<{ destination: SocksDestination; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    let greeted = false;
    const stop = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const onClose = () => {
      stop();
      resolve(undefined);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const step: SocksStep = greeted ? readRequest(buffered) : readGreeting(buffered);
        if (step.type === 'more') return;
        if (step.type === 'refuse') {
          stop();
          socket.end(step.reply);
          resolve(undefined);
          return;
        }
        if (step.type === 'greeted') {
          greeted = true;
          buffered = step.rest;
          socket.write(step.reply);
          continue;
        }
        stop();
        socket.pause();
        resolve({ destination: step.destination, rest: step.rest });
        return;
      }
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/**
 * Listens locally as a SOCKS5 proxy (no authentication, CONNECT to IPv4, domain or IPv6
 * destinations); each connection is opened from the pod over the SSH connection
 * (direct-tcpip), so names resolve and addresses route as on the pod.
 */
export function forwardDynamic(
  connection: SshConnection,
  options: DynamicForwardOptions,
): Promise<PortForward> {
  return listenLocally(connection, options, (socket, streams) => {
    void handshake(socket).then((asked) => {
      if (asked === undefined) return;
      const { destination, rest } = asked;
      connection.client.forwardOut(
        socket.remoteAddress ?? '127.0.0.1',
        socket.remotePort ?? 0,
        destination.host,
        destination.port,
        (error, channel) => {
          if (error) {
            socket.end(socksReply(SOCKS_REPLY.connectionRefused));
            return;
          }
          streams.add(channel);
          socket.write(socksReply(SOCKS_REPLY.succeeded));
          joinStreams(socket, channel, rest);
        },
      );
    });
  });
}
