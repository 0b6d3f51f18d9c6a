import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sshd, sshdSkipReason, startSshd } from '@lium/test-support/sshd';
import { SshPool, type SshPoolOptions, type SshTarget } from '../src/index.ts';

export const sshdSkip = sshdSkipReason();
if (sshdSkip) console.warn(sshdSkip);

export interface SshdFixture {
  sshd: Sshd;
  pool: SshPool;
  target: SshTarget;
  /** A scratch directory removed at the end. */
  tmp: string;
  knownHostsDir: string;
  newPool(options?: SshPoolOptions): SshPool;
  close(): Promise<void>;
}

/** A real sshd plus a pool pointed at it, with a private known_hosts dir. */
export async function sshdFixture(options: SshPoolOptions = {}): Promise<SshdFixture> {
  const sshd = await startSshd();
  const tmp = await mkdtemp(join(tmpdir(), 'lium-ssh-test-'));
  const knownHostsDir = join(tmp, 'known_hosts');
  const pools: SshPool[] = [];
  const newPool = (extra: SshPoolOptions = {}) => {
    const pool = new SshPool({
      privateKeyPath: sshd.clientKey.privateKeyPath,
      knownHostsDir,
      ...options,
      ...extra,
    });
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  return {
    sshd,
    pool,
    target: { host: sshd.host, port: sshd.port, user: sshd.user, hostKeyId: 'pod-1' },
    tmp,
    knownHostsDir,
    newPool,
    async close() {
      await Promise.all(pools.map((each) => each.closeAll()));
      await sshd.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** A TCP echo server on 127.0.0.1 (what a forwarded port talks to). */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends `text` to 127.0.0.1:port and resolves with the first reply. */
export function roundTrip(port: number, text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.end();
    });
    socket.on('error', reject);
  });
}
