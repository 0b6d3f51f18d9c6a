import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox, opensshPodsUnavailable, type PodSshServer } from '../../src/pods/index.ts';
import { hasBinary, makeKey, type PodFixture, podFixture, runFile, sshOptions } from './helpers.ts';

const SSH = '/usr/bin/ssh';
const SFTP = '/usr/bin/sftp';
const SCP = '/usr/bin/scp';
const RSYNC = '/usr/bin/rsync';

const missing = [SSH, SFTP, SCP, RSYNC].filter((bin) => !hasBinary(bin));
if (missing.length > 0) {
  console.warn(
    `Skipping OpenSSH/rsync pod tests: ${missing.join(', ')} not installed (apt-get install openssh-client rsync)`,
  );
}

// OpenSSH pods run under bubblewrap (or no sandbox): the unshare sandbox, which CI forces with
// LIUM_EMULATOR_SANDBOX=unshare for a second pass, leaves only the ssh2 server to test.
const noOpensshPods =
  opensshPodsUnavailable() ??
  ((await detectSandbox()) === 'unshare'
    ? 'they need bubblewrap, and this run uses unshare'
    : undefined);
if (noOpensshPods !== undefined) console.warn(`Skipping OpenSSH-server pods: ${noOpensshPods}`);
/** Every test runs against both pod servers: they must give the same files and behaviour. */
const servers: PodSshServer[] = noOpensshPods === undefined ? ['ssh2', 'openssh'] : ['ssh2'];

describe.skipIf(missing.length > 0).each(servers)(
  '%s pods with the OpenSSH client, sftp, scp and rsync',
  (server) => {
    let f: PodFixture;
    let ssh: string[];
    let rsh: string;
    beforeAll(async () => {
      f = await podFixture({}, undefined, server);
      ssh = sshOptions(f.key, f.pod.port);
      // rsync -e takes one argument and splits it on spaces itself (no shell involved).
      rsh = [SSH, ...ssh].join(' ');
    });
    afterAll(async () => {
      await f?.cleanup();
    });

    it('runs commands with exit codes through `ssh`', async () => {
      const ok = await runFile(SSH, [...ssh, 'root@127.0.0.1', 'echo hi; whoami; exit 4']);
      expect(ok).toMatchObject({ code: 4, stdout: 'hi\nroot\n' });
    });

    it('runs a command on a forced pty (`ssh -tt`) and an interactive login shell', async () => {
      const tty = await runFile(SSH, [
        ...ssh,
        '-tt',
        'root@127.0.0.1',
        'test -t 0 && echo on-a-tty',
      ]);
      expect(tty.stdout.replaceAll('\r', '')).toContain('on-a-tty\n');
      const shell = await runFile(SSH, [...ssh, '-T', 'root@127.0.0.1'], {
        input: 'echo "in $PWD"\nexit 3\n',
      });
      expect(shell.code).toBe(3);
      expect(shell.stdout).toContain(
        `in ${f.pod.isolation !== 'none' ? '/root' : `${f.podsDir}/pod-1/root`}`,
      );
    });

    it.runIf(server === 'openssh')('is served by OpenSSH sshd itself', async () => {
      const verbose = await runFile(SSH, [...ssh, '-v', 'root@127.0.0.1', 'true']);
      expect(verbose.code).toBe(0);
      expect(verbose.stderr).toMatch(/remote software version OpenSSH_/);
    });

    it('gives exec and SFTP the same pod files, the template env included', async () => {
      const made = await runFile(SSH, [
        ...ssh,
        'root@127.0.0.1',
        'mkdir -p /workspace/same && echo from-exec > /workspace/same/a.txt && echo "$HOME"',
      ]);
      expect(made.code).toBe(0);
      if (f.pod.isolation !== 'none') {
        expect(made.stdout).toBe('/root\n');
        const got = join(f.dir, 'same.txt');
        const sftp = await runFile(SFTP, [...sftpOptions(ssh), '-b', '-', 'root@127.0.0.1'], {
          input: `get /workspace/same/a.txt ${got}\n`,
        });
        expect(sftp.code).toBe(0);
        expect(await readFile(got, 'utf8')).toBe('from-exec\n');
        // And the pod's files are the pod's data dir, not the host's /workspace.
        expect(await readFile(join(f.podsDir, 'pod-1', 'workspace', 'same', 'a.txt'), 'utf8')).toBe(
          'from-exec\n',
        );
      }
    });

    it('refuses a key that is not authorized', async () => {
      const key = await makeKey(f.dir, 'other');
      const denied = await runFile(SSH, [...sshOptions(key, f.pod.port), 'root@127.0.0.1', 'true']);
      expect(denied.code).toBe(255);
      expect(denied.stderr).toMatch(/Permission denied/);
    });

    it('transfers files with the `sftp` and `scp` binaries', async () => {
      const local = join(f.dir, 'up.txt');
      await writeFile(local, 'via sftp\n');
      // OpenSSH's sftp-server renames with rename(2): /root and /workspace are separate mounts
      // of the sandbox, so it stays inside one of them (as on a host with two file systems).
      const first = server === 'openssh' ? '/workspace/up.txt' : '/root/up.txt';
      const batch = [
        `put ${local} ${first}`,
        'mkdir /workspace/w',
        `rename ${first} /workspace/w/moved.txt`,
        `get /workspace/w/moved.txt ${join(f.dir, 'down.txt')}`,
        'ls -l /workspace/w',
      ].join('\n');
      const result = await runFile(SFTP, [...sftpOptions(ssh), '-b', '-', 'root@127.0.0.1'], {
        input: `${batch}\n`,
      });
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(/-rw-r--r-- .*moved\.txt/);
      expect(await readFile(join(f.dir, 'down.txt'), 'utf8')).toBe('via sftp\n');

      const scp = await runFile(SCP, [...sftpOptions(ssh), local, 'root@127.0.0.1:/tmp/scp.txt']);
      expect(scp).toMatchObject({ code: 0 });
      const cat = await runFile(SSH, [
        ...ssh,
        'root@127.0.0.1',
        f.pod.isolation !== 'none' ? 'cat /tmp/scp.txt' : 'true',
      ]);
      if (f.pod.isolation !== 'none') expect(cat.stdout).toBe('via sftp\n');
    });

    it('syncs a tree up and back down with `rsync -e ssh`', async () => {
      const src = join(f.dir, 'tree');
      await mkdir(join(src, 'sub'), { recursive: true });
      await writeFile(join(src, 'a.txt'), 'alpha\n');
      await writeFile(join(src, 'sub', 'b.bin'), Buffer.alloc(300_000, 7));
      const dest = f.pod.isolation !== 'none' ? '/workspace/tree/' : 'tree/';
      const up = await runFile(RSYNC, [
        '-az',
        '--delete',
        '-e',
        rsh,
        `${src}/`,
        `root@127.0.0.1:${dest}`,
      ]);
      expect(up).toMatchObject({ code: 0 });
      const listed = await runFile(SSH, [
        ...ssh,
        'root@127.0.0.1',
        `cd ${dest} && find . -type f | sort && cat a.txt`,
      ]);
      expect(listed.stdout).toBe('./a.txt\n./sub/b.bin\nalpha\n');

      await runFile(SSH, [...ssh, 'root@127.0.0.1', `echo new > ${dest}c.txt`]);
      const back = join(f.dir, 'back');
      const down = await runFile(RSYNC, ['-az', '-e', rsh, `root@127.0.0.1:${dest}`, `${back}/`]);
      expect(down).toMatchObject({ code: 0 });
      expect(await readFile(join(back, 'c.txt'), 'utf8')).toBe('new\n');
      expect((await readFile(join(back, 'sub', 'b.bin'))).length).toBe(300_000);
    });
  },
  // OpenSSH clients and sshd processes on a loaded 2-core machine: generous per-test bounds.
  120_000,
);

/** sftp and scp take -P for the port. */
function sftpOptions(ssh: readonly string[]): string[] {
  return ssh.map((o, i) => (o === '-p' && ssh[i + 1] !== undefined ? '-P' : o));
}
