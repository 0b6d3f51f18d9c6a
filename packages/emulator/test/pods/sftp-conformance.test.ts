import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  hasBinary,
  type PodFixture,
  podFixture,
  run,
  runFile,
  sshOptions,
} from './helpers.ts';

/**
 * The pods' SFTP server driven by OpenSSH's own clients and by ours, every file checked by
 * sha256 on both sides (the pod side through exec, so inside the pod's sandbox).
 *
 * OpenSSH `scp` (SFTP mode, its default) once cut 200 MB uploads to a few MB and exited 0: it
 * writes in place and truncates to the highest contiguously acknowledged offset, and answers
 * came out of order. Sizes sit around the request sizes clients use (32 KiB, 255 KiB).
 * The 200 MiB file goes through `scp` (both ways) and our client only, to keep CI time sane.
 */

const SSH = '/usr/bin/ssh';
const SCP = '/usr/bin/scp';
const SFTP = '/usr/bin/sftp';
const RSYNC = '/usr/bin/rsync';
const missing = [SSH, SCP, SFTP, RSYNC].filter((bin) => !hasBinary(bin));

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES: Record<string, number> = {
  'empty.bin': 0,
  'one.bin': 1,
  '32k-1.bin': 32 * KiB - 1,
  '32k.bin': 32 * KiB,
  '32k+1.bin': 32 * KiB + 1,
  '255k-1.bin': 255 * KiB - 1,
  '255k.bin': 255 * KiB,
  '255k+1.bin': 255 * KiB + 1,
  '10m.bin': 10 * MiB,
};
const HUGE = { name: '200m.bin', size: 200 * MiB };

async function writeRandom(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    const block = Buffer.allocUnsafe(4 * MiB);
    for (let done = 0; done < size; done += block.length) {
      randomFillSync(block);
      await file.write(block, 0, Math.min(block.length, size - done));
    }
  } finally {
    await file.close();
  }
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Our client (what `lium scp` and the SDK run), loaded from source without a package cycle. */
interface OurPool {
  upload(target: object, local: string, remote: string): Promise<{ bytes: number }>;
  download(target: object, remote: string, local: string): Promise<{ bytes: number }>;
  closeAll(): Promise<void>;
}
async function ourPool(keyPath: string): Promise<OurPool> {
  const source = fileURLToPath(new URL('../../../ssh/src/index.ts', import.meta.url));
  const mod = (await import(pathToFileURL(source).href)) as {
    SshPool: new (options: { privateKeyPath: string; hostKeyCheck: 'off' }) => OurPool;
  };
  return new mod.SshPool({ privateKeyPath: keyPath, hostKeyCheck: 'off' });
}

describe.skipIf(missing.length > 0)('pod SFTP conformance (OpenSSH clients and ours)', () => {
  let f: PodFixture;
  let client: Client;
  let ssh: string[];
  let local: string;
  const sums = new Map<string, string>();
  const at = 'root@127.0.0.1';

  /** sha256 of pod files, through exec: name → hex. */
  const remoteSums = async (
    dir: string,
    names: readonly string[],
  ): Promise<Map<string, string>> => {
    const result = await run(
      client,
      `cd ${dir} && sha256sum ${names.map((n) => `'${n}'`).join(' ')}`,
    );
    expect(result.stderr.toString()).toBe('');
    const out = new Map<string, string>();
    for (const line of result.stdout.toString().trim().split('\n')) {
      const [sum, name] = line.split(/\s+\*?/);
      if (sum && name) out.set(name, sum);
    }
    return out;
  };
  const expectRemote = async (dir: string, names: readonly string[]) => {
    const found = await remoteSums(dir, names);
    for (const name of names) expect(found.get(name), `${dir}/${name}`).toBe(sums.get(name));
  };
  const expectLocal = async (dir: string, names: readonly string[]) => {
    for (const name of names)
      expect(await sha256(join(dir, name)), `${dir}/${name}`).toBe(sums.get(name));
  };
  const names = Object.keys(SIZES);
  /** sshOptions without its `-p PORT` (scp and sftp take `-P PORT`). */
  const common = () => {
    const all = sshOptions(f.key, f.pod.port);
    const at = all.indexOf('-p');
    return [...all.slice(0, at), ...all.slice(at + 2), '-P', String(f.pod.port)];
  };
  const scpOptions = () => ['-q', '-B', ...common()];

  beforeAll(async () => {
    f = await podFixture({}, existsSync('/var/tmp') ? '/var/tmp' : undefined);
    client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    ssh = sshOptions(f.key, f.pod.port);
    local = join(f.dir, 'files');
    await mkdir(local);
    for (const [name, size] of [...Object.entries(SIZES), [HUGE.name, HUGE.size] as const]) {
      await writeRandom(join(local, name), size);
      sums.set(name, await sha256(join(local, name)));
    }
  }, 120_000);
  afterAll(async () => {
    client?.end();
    await f?.cleanup();
  });

  for (const legacy of [false, true]) {
    it(`scp${legacy ? ' -O (legacy SCP protocol)' : ' (SFTP mode)'}: up and down, every size${legacy ? '' : ', 200 MiB too'}`, async () => {
      const dir = legacy ? '/root/scp-O' : '/root/scp';
      const files = legacy ? names : [...names, HUGE.name];
      await run(client, `mkdir -p ${dir}`);
      const flags = [...scpOptions(), ...(legacy ? ['-O'] : [])];
      const up = await runFile(
        SCP,
        [...flags, ...files.map((n) => join(local, n)), `${at}:${dir}/`],
        { timeoutMs: 120_000 },
      );
      expect(up).toMatchObject({ code: 0, stderr: '' });
      await expectRemote(dir, files);
      const back = join(f.dir, legacy ? 'scp-O-back' : 'scp-back');
      await mkdir(back);
      const down = await runFile(
        SCP,
        [...flags, ...files.map((n) => `${at}:${dir}/${n}`), `${back}/`],
        { timeoutMs: 120_000 },
      );
      expect(down).toMatchObject({ code: 0, stderr: '' });
      await expectLocal(back, files);
      await run(client, `rm -rf ${dir}`);
    }, 180_000);
  }

  it('sftp: put, get, reput and reget of every size, and -R of a tree', async () => {
    const back = join(f.dir, 'sftp-back');
    await mkdir(back);
    const sftp = (batch: string[]) =>
      runFile(SFTP, ['-q', ...common(), '-b', '-', at], {
        input: `${batch.join('\n')}\n`,
        timeoutMs: 120_000,
      });
    await run(client, 'mkdir -p /root/sftp');
    const put = await sftp(names.map((n) => `put ${join(local, n)} /root/sftp/${n}`));
    expect(put.code).toBe(0);
    await expectRemote('/root/sftp', names);
    const get = await sftp(names.map((n) => `get /root/sftp/${n} ${join(back, n)}`));
    expect(get.code).toBe(0);
    await expectLocal(back, names);

    // Interrupted transfers, resumed: cut the copies short, then reput / reget.
    const resumable = names.filter((n) => (SIZES[n] ?? 0) > 2);
    const cut = (n: string) => Math.floor((SIZES[n] ?? 0) / 3);
    await run(client, resumable.map((n) => `truncate -s ${cut(n)} /root/sftp/${n}`).join(' && '));
    for (const n of resumable) await truncate(join(back, n), cut(n));
    const reput = await sftp(resumable.map((n) => `reput ${join(local, n)} /root/sftp/${n}`));
    expect(reput.code).toBe(0);
    await expectRemote('/root/sftp', resumable);
    const reget = await sftp(resumable.map((n) => `reget /root/sftp/${n} ${join(back, n)}`));
    expect(reget.code).toBe(0);
    await expectLocal(back, resumable);

    // A tree, recursively, both ways.
    // Its files get their own sums (same names as above, other contents).
    const treeSums = new Map<string, string>();
    const tree = join(f.dir, 'tree');
    await mkdir(join(tree, 'deep', 'er'), { recursive: true });
    const placed: string[] = [];
    for (const [i, n] of names.entries()) {
      const rel = i % 3 === 0 ? n : i % 3 === 1 ? join('deep', n) : join('deep', 'er', n);
      await writeRandom(join(tree, rel), SIZES[n] ?? 0);
      treeSums.set(rel, await sha256(join(tree, rel)));
      placed.push(rel);
    }
    const putTree = await sftp([`put -R ${tree} /workspace/tree`]);
    expect(putTree.code).toBe(0);
    const remoteTree = await remoteSums('/workspace/tree', placed);
    for (const rel of placed) expect(remoteTree.get(rel), rel).toBe(treeSums.get(rel));
    const treeBack = join(f.dir, 'tree-back');
    const getTree = await sftp([`get -R /workspace/tree ${treeBack}`]);
    expect(getTree.code).toBe(0);
    for (const rel of placed)
      expect(await sha256(join(treeBack, rel)), rel).toBe(treeSums.get(rel));
    await run(client, 'rm -rf /root/sftp /workspace/tree');
  }, 240_000);

  it('rsync -e ssh: a directory of every size, up and down', async () => {
    const rsh = [SSH, ...ssh].join(' ');
    const src = join(f.dir, 'rsync-src');
    await mkdir(src);
    for (const n of names) await runFile('/bin/cp', [join(local, n), join(src, n)]);
    const up = await runFile(RSYNC, ['-a', '-e', rsh, `${src}/`, `${at}:/workspace/rsync/`], {
      timeoutMs: 120_000,
    });
    expect(up).toMatchObject({ code: 0 });
    await expectRemote('/workspace/rsync', names);
    const back = join(f.dir, 'rsync-back');
    const down = await runFile(RSYNC, ['-a', '-e', rsh, `${at}:/workspace/rsync/`, `${back}/`], {
      timeoutMs: 120_000,
    });
    expect(down).toMatchObject({ code: 0 });
    await expectLocal(back, names);
    expect((await readdir(back)).sort()).toEqual([...names].sort());
  }, 180_000);

  it('our client (SshPool, as `lium scp`): up and down, every size, 200 MiB too', async () => {
    const pool = await ourPool(f.key.path);
    const target = { host: '127.0.0.1', port: f.pod.port, user: 'root' };
    const files = [...names, HUGE.name];
    const back = join(f.dir, 'ours-back');
    await mkdir(back);
    try {
      await run(client, 'mkdir -p /tmp/ours');
      for (const n of files) {
        expect((await pool.upload(target, join(local, n), `/tmp/ours/${n}`)).bytes).toBe(
          n === HUGE.name ? HUGE.size : SIZES[n],
        );
      }
      await expectRemote('/tmp/ours', files);
      for (const n of files) await pool.download(target, `/tmp/ours/${n}`, join(back, n));
      await expectLocal(back, files);
    } finally {
      await pool.closeAll();
      await rm(back, { recursive: true, force: true });
      await run(client, 'rm -rf /tmp/ours');
    }
  }, 180_000);
});
