/**
 * The SDK's pod operations against a real OpenSSH `sshd`, not the emulator's ssh2 pods: a pod
 * rented from the emulator has its SSH command pointed at an sshd on loopback (as a real pod's
 * `ssh root@<ip> -p <port>` would be), then exec, both transfer directions and rsync run there.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Sshd, sshdSkipReason, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lium, PodInfo } from '../src/index.ts';
import { type Harness, startHarness } from './harness.ts';

const skip = sshdSkipReason();

describe.skipIf(skip !== undefined)('pods served by a real OpenSSH sshd', () => {
  let h: Harness;
  let sshd: Sshd;
  let lium: Lium;
  let pod: PodInfo;
  let remote: string;

  beforeAll(async () => {
    [h, sshd] = await Promise.all([startHarness({ executors: 5 }), startSshd()]);
    lium = h.newLium({ sshKeyPath: sshd.clientKey.privateKeyPath });
    const [executor] = await lium.listExecutors();
    const rented = await lium.startPod({ executorId: executor!.id, podName: 'openssh' });
    pod = { ...rented, sshCmd: `ssh ${sshd.user}@${sshd.host} -p ${sshd.port}` };
    // The pod's filesystem is this machine's: work in a scratch directory.
    remote = await mkdtemp(join(sshd.dir, 'remote-'));
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await sshd?.stop();
  });

  it('runs a command with env values and passes its exit code through', async () => {
    const result = await lium.executeCommand(pod, 'printf %s "$X"; echo oops >&2; exit 3', {
      env: { X: `a "b" $c 'd'` },
    });
    expect(result).toMatchObject({ stdout: `a "b" $c 'd'`, stderr: 'oops\n', exitCode: 3 });
  });

  it('uploads and downloads a file', async () => {
    const local = join(h.dir, 'up.txt');
    await writeFile(local, 'hello over openssh\n');
    await lium.uploadFile(pod, local, `${remote}/sub/`);
    expect(await readFile(join(remote, 'sub', 'up.txt'), 'utf8')).toBe('hello over openssh\n');
    const back = join(h.dir, 'back.txt');
    await lium.downloadFile(pod, `${remote}/sub/up.txt`, back);
    expect(await readFile(back, 'utf8')).toBe('hello over openssh\n');
  });

  it('syncs a directory both ways with exclude and delete', async () => {
    const source = join(h.dir, 'project');
    await mkdir(join(source, 'src'), { recursive: true });
    await writeFile(join(source, 'src', 'a.py'), 'print(1)\n');
    await writeFile(join(source, 'debug.log'), 'noise\n');
    const target = join(remote, 'project');
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'stale.txt'), 'old\n');

    const up = await lium.syncDirectory(pod, {
      localPath: `${source}/`,
      remotePath: `${target}/`,
      direction: 'up',
      delete: true,
      exclude: ['*.log'],
    });
    expect(up.transferred).toEqual(['src/a.py']);
    expect(up.deleted).toEqual(['stale.txt']);
    expect(await readFile(join(target, 'src', 'a.py'), 'utf8')).toBe('print(1)\n');
    await expect(readFile(join(target, 'debug.log'))).rejects.toThrow();

    const pulled = join(h.dir, 'pulled');
    await lium.syncDirectory(pod, {
      localPath: `${pulled}/`,
      remotePath: `${target}/`,
      direction: 'down',
    });
    expect(await readFile(join(pulled, 'src', 'a.py'), 'utf8')).toBe('print(1)\n');
    await rm(pulled, { recursive: true, force: true });
  });
});
