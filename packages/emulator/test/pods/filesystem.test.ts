import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodServer } from '../../src/pods/index.ts';
import {
  collect,
  connect,
  hasBinary,
  makeKey,
  type PodFixture,
  podFixture,
  run,
  runFile,
  sshOptions,
} from './helpers.ts';

/**
 * One pod filesystem in every sandbox mode: exec, an interactive shell, SFTP, rsync and a
 * port forward all see the same /root, /workspace and /tmp, which are the pod's and never the
 * host's. `.ci/run` runs this file with bubblewrap (auto) and again with
 * LIUM_EMULATOR_SANDBOX=unshare; the `unshare` case below runs in every run anyway.
 */

const openSftp = (client: Client): Promise<SFTPWrapper> =>
  new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));

function call<T = unknown>(fn: (cb: (err?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

const linux = process.platform === 'linux';

describe.runIf(linux).each(['auto', 'unshare'] as const)(
  'one pod filesystem (sandbox %s)',
  (sandbox) => {
    let f: PodFixture;
    let client: Client;
    let sftp: SFTPWrapper;
    const mark = `lium-fs-${process.pid}-${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      // Outside /tmp, so that hiding the emulator's own directory is what keeps pods apart.
      f = await podFixture({ sandbox }, existsSync('/var/tmp') ? '/var/tmp' : undefined);
      client = await connect(f.pod.port, { privateKey: f.key.privateKey });
      sftp = await openSftp(client);
    });
    afterAll(async () => {
      client?.end();
      await f?.cleanup();
    });

    it('is sandboxed, never on the host', () => {
      expect(f.pod.isolation).not.toBe('none');
      if (sandbox === 'unshare') expect(f.pod.isolation).toBe('unshare');
    });

    it('shows exec what SFTP wrote, and SFTP what exec wrote, in /root, /workspace and /tmp', async () => {
      for (const dir of ['/root', '/workspace', '/tmp']) {
        await call((cb) => sftp.writeFile(`${dir}/${mark}.sftp`, `sftp ${dir}\n`, cb));
        const cat = await run(
          client,
          `cat ${dir}/${mark}.sftp && echo "exec ${dir}" > ${dir}/${mark}.exec`,
        );
        expect(cat).toMatchObject({ code: 0 });
        expect(cat.stdout.toString()).toBe(`sftp ${dir}\n`);
        const back = await call<Buffer>((cb) => sftp.readFile(`${dir}/${mark}.exec`, cb));
        expect(back.toString()).toBe(`exec ${dir}\n`);
      }
      // The files live in the pod's data directory, and the host's /root and /tmp never saw them.
      expect(await readFile(join(f.podsDir, 'pod-1', 'root', `${mark}.exec`), 'utf8')).toBe(
        'exec /root\n',
      );
      expect(existsSync(`/root/${mark}.exec`)).toBe(false);
      expect(existsSync(`/tmp/${mark}.exec`)).toBe(false);
      expect(existsSync(`/workspace/${mark}.exec`)).toBe(false);
    });

    it('gives an interactive shell the same files, in /root', async () => {
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell(false, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      const { result } = collect(channel);
      channel.end(`pwd; cat /root/${mark}.sftp /workspace/${mark}.exec; exit 5\n`);
      const done = await result;
      expect(done.code).toBe(5);
      expect(done.stdout.toString()).toBe(`/root\nsftp /root\nexec /workspace\n`);
    });

    it.runIf(hasBinary('/usr/bin/rsync') && hasBinary('/usr/bin/ssh'))(
      'syncs with rsync -e ssh into the tree exec and SFTP see',
      async () => {
        const src = join(f.dir, 'project');
        await mkdir(join(src, 'sub'), { recursive: true });
        await writeFile(join(src, 'a.txt'), 'alpha\n');
        await writeFile(join(src, 'sub', 'b.txt'), 'beta\n');
        const rsh = ['/usr/bin/ssh', ...sshOptions(f.key, f.pod.port)].join(' ');
        const push = await runFile('/usr/bin/rsync', [
          '-a',
          '-e',
          rsh,
          `${src}/`,
          'root@127.0.0.1:/root/project/',
        ]);
        expect(push).toMatchObject({ code: 0 });
        const listed = await run(client, 'cd /root/project && cat a.txt sub/b.txt');
        expect(listed.stdout.toString()).toBe('alpha\nbeta\n');
        const viaSftp = await call<Buffer>((cb) => sftp.readFile('/root/project/sub/b.txt', cb));
        expect(viaSftp.toString()).toBe('beta\n');
        await run(client, 'echo gamma > /root/project/c.txt');
        const back = join(f.dir, 'back');
        const pull = await runFile('/usr/bin/rsync', [
          '-a',
          '-e',
          rsh,
          'root@127.0.0.1:/root/project/',
          `${back}/`,
        ]);
        expect(pull).toMatchObject({ code: 0 });
        expect(await readFile(join(back, 'c.txt'), 'utf8')).toBe('gamma\n');
      },
    );

    it.runIf(hasBinary('/usr/bin/python3'))(
      'forwards a port to a pod service that reads the pod’s own files',
      async () => {
        const port = 20_000 + Math.floor(Math.random() * 20_000);
        const server = `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", ${port})); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.sendall(open("/root/${mark}.sftp", "rb").read()); c.close()`;
        await call((cb) => sftp.writeFile('/tmp/serve.py', server, cb));
        const service = await new Promise<ReturnType<typeof collect>>((resolve, reject) =>
          client.exec('timeout 20 python3 /tmp/serve.py', (err, ch) =>
            err ? reject(err) : resolve(collect(ch)),
          ),
        );
        await service.untilStdout('ready');
        const stream = await new Promise<ClientChannel>((resolve, reject) =>
          client.forwardOut('127.0.0.1', 5555, '127.0.0.1', port, (err, ch) =>
            err ? reject(err) : resolve(ch),
          ),
        );
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => chunks.push(d));
        await new Promise<void>((resolve) => stream.on('close', () => resolve()));
        expect(Buffer.concat(chunks).toString()).toBe('sftp /root\n');
        await service.result;
      },
    );

    it('keeps another pod out of these files', async () => {
      const other = await f.start();
      const b = await connect(other.port, { privateKey: f.key.privateKey });
      const seen = await run(
        b,
        `cat /root/${mark}.sftp /tmp/${mark}.sftp 2>&1; ls ${f.podsDir} 2>&1`,
      );
      expect(seen.stdout.toString()).not.toContain('sftp /');
      expect(seen.stdout.toString()).not.toContain('pod-1');
      b.end();
    });
  },
);

describe.runIf(linux)('sandbox choice', () => {
  it('warns at every start of a pod with sandbox none, and SFTP then sees the host too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lium-none-'));
    const key = await makeKey(dir);
    const logs: string[] = [];
    const start = () =>
      startPodServer({
        podId: 'unsafe',
        dataDir: join(dir, 'pod'),
        authorizedKeys: [key.publicKey],
        sandbox: 'none',
        onLog: (line) => logs.push(line),
      });
    try {
      for (let i = 0; i < 2; i += 1) {
        const pod = await start();
        const client = await connect(pod.port, { privateKey: key.privateKey });
        const sftp = await openSftp(client);
        await call((cb) => sftp.writeFile(join(dir, 'host-file'), `round ${i}\n`, cb));
        const cat = await run(client, `cat ${join(dir, 'host-file')}; pwd`);
        expect(cat.stdout.toString()).toBe(`round ${i}\n${join(dir, 'pod', 'root')}\n`);
        client.end();
        await pod.close();
      }
      const warnings = logs.filter((line) => /WARNING: sandbox none.*NOT isolated/.test(line));
      expect(warnings).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts an exec command as long as sshd does (40 KB, 120 KB)', async () => {
    const f = await podFixture({});
    try {
      const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
      for (const size of [40_000, 120_000]) {
        const result = await run(client, `echo ${'a'.repeat(size)} | wc -c`);
        expect(result).toMatchObject({ code: 0 });
        expect(result.stdout.toString().trim()).toBe(String(size + 1));
      }
      client.end();
    } finally {
      await f.cleanup();
    }
  });
});
