import { connect } from 'node:net';
import type { AcceptConnection, RejectConnection, ServerChannel, TcpipRequestInfo } from 'ssh2';

/** Hosts that name the pod itself; a pod's ports all listen on the machine's loopback. */
const POD_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '']);

/**
 * `direct-tcpip` (ssh -L): relays the channel to the pod's port on 127.0.0.1. Other hosts are
 * refused; a pod of the emulator is not a gateway to the network.
 */
export function forwardTcp(
  accept: AcceptConnection<ServerChannel>,
  reject: RejectConnection,
  info: TcpipRequestInfo,
  track: (close: () => void) => () => void,
): void {
  if (!POD_HOSTS.has(info.destIP) || !(info.destPort > 0 && info.destPort < 65536)) {
    reject();
    return;
  }
  const socket = connect({ host: '127.0.0.1', port: info.destPort });
  let untrack: () => void = () => {};
  let connected = false;
  socket.once('connect', () => {
    connected = true;
    const channel = accept();
    untrack = track(() => {
      socket.destroy();
      channel.close();
    });
    channel.on('error', () => socket.destroy());
    socket.pipe(channel).pipe(socket);
    socket.on('close', () => {
      channel.end();
      untrack();
    });
    channel.on('close', () => {
      socket.destroy();
      untrack();
    });
  });
  socket.once('error', () => {
    if (!connected) reject();
    socket.destroy();
  });
}
