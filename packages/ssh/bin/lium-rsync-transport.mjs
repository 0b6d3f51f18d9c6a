#!/usr/bin/env node
// The remote shell rsync runs for `-e` when @lium/ssh syncs a pod. Instead of opening a second
// SSH connection it asks the parent process (over a private unix socket / named pipe whose path
// and one-time token come from the environment, never argv) to run rsync's remote command on
// the parent's pooled, host-key-checked ssh2 connection, and bridges stdio to it.
//
// rsync invokes us as:  <this script> [-l user] [other -opts] host <remote command words…>
// Parent → us frames: [type u8][length u32 BE][payload]; 1 = stdout, 2 = stderr, 3 = exit (i32 code).
import { connect } from 'node:net';

const socketPath = process.env.LIUM_RSYNC_SOCKET;
const token = process.env.LIUM_RSYNC_TOKEN;
if (!socketPath || !token) {
  process.stderr.write('lium-rsync-transport: run by @lium/ssh only (LIUM_RSYNC_SOCKET missing)\n');
  process.exit(255);
}

const args = process.argv.slice(2);
let index = 0;
while (index < args.length && args[index].startsWith('-')) {
  index += args[index] === '-l' || args[index] === '-p' ? 2 : 1;
}
index++; // the host: the parent already knows which pod this is
const command = args.slice(index).join(' ');
if (command === '') {
  process.stderr.write('lium-rsync-transport: no remote command\n');
  process.exit(255);
}

const socket = connect({ path: socketPath, allowHalfOpen: true });
socket.on('error', (error) => {
  process.stderr.write(`lium-rsync-transport: ${error.message}\n`);
  process.exit(255);
});
socket.on('connect', () => {
  socket.write(`${JSON.stringify({ token, command })}\n`);
  process.stdin.pipe(socket);
});

let pending = Buffer.alloc(0);
let exitCode = 255;
socket.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 5) {
    const length = pending.readUInt32BE(1);
    if (pending.length < 5 + length) break;
    const type = pending[0];
    const payload = pending.subarray(5, 5 + length);
    pending = pending.subarray(5 + length);
    if (type === 1) {
      if (!process.stdout.write(payload)) {
        socket.pause();
        process.stdout.once('drain', () => socket.resume());
      }
    } else if (type === 2) {
      process.stderr.write(payload);
    } else if (type === 3) {
      exitCode = payload.readInt32BE(0);
    }
  }
});
socket.on('end', () => {
  process.stdin.unpipe(socket);
  process.stdin.destroy();
  const finish = () => process.exit(exitCode);
  if (process.stdout.writableNeedDrain) process.stdout.once('drain', finish);
  else finish();
});
