import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SshConnection } from './connection.ts';

/** The `-e` helper shipped in the package (bin/ sits next to both src/ and dist/). */
export const RSYNC_TRANSPORT_SCRIPT = fileURLToPath(
  new URL('../bin/lium-rsync-transport.mjs', import.meta.url),
);

export interface RsyncBridge {
  /** Environment for the rsync child (socket path and one-time token; never in argv). */
  env: Record<string, string>;
  /** The `-e` value: node running the transport script. */
  remoteShell: string;
  /** Remote stderr seen so far (for error messages). */
  stderr(): string;
  close(): Promise<void>;
}

function frame(type: 1 | 2 | 3, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = type;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** rsync splits `-e` on spaces and honours quotes; quote words that need it. */
export function rsyncWord(word: string): string {
  if (!/[\s'"]/.test(word)) return word;
  if (!word.includes('"')) return `"${word}"`;
  if (!word.includes("'")) return `'${word}'`;
  throw new Error(`Cannot pass ${word} to rsync -e`);
}

/**
 * Serves rsync's remote-shell requests on a private socket: each accepted client (authenticated
 * by a random token) gets an exec channel on the pooled connection, so rsync reuses our key,
 * our pinned host key and our single handshake.
 */
export async function openRsyncBridge(connection: SshConnection): Promise<RsyncBridge> {
  const token = randomBytes(32).toString('hex');
  let dir: string | undefined;
  let path: string;
  if (process.platform === 'win32') {
    path = `\\\\.\\pipe\\lium-rsync-${randomBytes(8).toString('hex')}`;
  } else {
    dir = await mkdtemp(join(tmpdir(), 'lium-rsync-'));
    path = join(dir, 's');
  }
  let stderrText = '';
  const sockets = new Set<Socket>();
  const releases = new Set<() => void>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let header = Buffer.alloc(0);
    const onHeader = (chunk: Buffer) => {
      header = Buffer.concat([header, chunk]);
      const newline = header.indexOf(0x0a);
      if (newline < 0) {
        if (header.length > 64 * 1024) socket.destroy();
        return;
      }
      socket.off('data', onHeader);
      socket.pause();
      const rest = header.subarray(newline + 1);
      let request: { token?: unknown; command?: unknown };
      try {
        request = JSON.parse(header.subarray(0, newline).toString('utf8'));
      } catch {
        return socket.destroy();
      }
      const given = Buffer.from(String(request.token ?? ''));
      const expected = Buffer.from(token);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return socket.destroy();
      }
      void serve(socket, String(request.command ?? ''), rest);
    };
    socket.on('data', onHeader);
  });

  const serve = async (socket: Socket, command: string, firstInput: Buffer) => {
    await connection
      .withChannel(async () => {
        const channel = await connection.exec(command, false);
        channel.on('error', () => channel.close());
        const send = (type: 1 | 2 | 3, payload: Buffer) => {
          if (socket.destroyed) return;
          if (!socket.write(frame(type, payload))) {
            channel.pause();
            socket.once('drain', () => channel.resume());
          }
        };
        let code = 255;
        channel.on('data', (chunk: Buffer) => send(1, chunk));
        channel.stderr.on('data', (chunk: Buffer) => {
          stderrText = (stderrText + chunk.toString('utf8')).slice(-8192);
          send(2, chunk);
        });
        channel.on('exit', (exitCode: number | null) => {
          code = typeof exitCode === 'number' ? exitCode : 255;
        });
        if (firstInput.length > 0) channel.write(firstInput);
        socket.pipe(channel);
        socket.resume();
        await new Promise<void>((resolve) => {
          let done = false;
          const finish = () => {
            if (done) return;
            done = true;
            releases.delete(finish);
            const exit = Buffer.allocUnsafe(4);
            exit.writeInt32BE(code, 0);
            send(3, exit);
            socket.end();
            resolve();
          };
          releases.add(() => {
            channel.close();
            finish();
          });
          channel.on('close', finish);
          socket.on('close', () => {
            channel.close();
            finish();
          });
        });
      })
      .catch((error: unknown) => {
        const message = Buffer.from(`lium: ${(error as Error).message}\n`);
        stderrText += message.toString();
        if (!socket.destroyed) {
          socket.write(frame(2, message));
          const exit = Buffer.allocUnsafe(4);
          exit.writeInt32BE(255, 0);
          socket.end(frame(3, exit));
        }
      });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });

  return {
    env: { LIUM_RSYNC_SOCKET: path, LIUM_RSYNC_TOKEN: token },
    remoteShell: `${rsyncWord(process.execPath)} ${rsyncWord(RSYNC_TRANSPORT_SCRIPT)}`,
    stderr: () => stderrText,
    async close() {
      for (const release of [...releases]) release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
