import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lium, type PodInfo } from '../src/index.ts';
import { useEmulator } from './harness.ts';

// Every public method of Lium against the emulator: real HTTP, real SSH pods.
const h = useEmulator();
let lium: Lium;
let pod: PodInfo;

beforeAll(async () => {
  lium = h.newLium();
  const [executor] = await lium.listExecutors({ gpuType: 'A100' });
  pod = await lium.waitForPodReady(
    await lium.startPod({ executorId: executor!.id, podName: 'shared-pod' }),
  );
});

function requests(method: string, path: string) {
  return h.emu.control.requests({ method, path });
}

describe('settings', () => {
  it('refuses to call the API without a key and says how to set one', async () => {
    const keyless = h.newLium({ apiKey: '' });
    await expect(keyless.listPods()).rejects.toMatchObject({
      code: 'api_key_missing',
      hint: expect.stringContaining('LIUM_API_KEY'),
    });
  });

  it('reads the API key, base URL and SSH key from config.ini', async () => {
    const configDir = join(h.dir, 'ini-config');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      join(configDir, 'config.ini'),
      `[api]\napi_key = ${h.emu.apiKey}\nbase_url = ${h.emu.baseUrl}\n\n[ssh]\nkey_path = ${h.keyPath}.pub\n`,
    );
    const fromFile = new Lium({ configDir, env: {} });
    try {
      expect((await fromFile.getPod(pod.id)).name).toBe('shared-pod');
      expect((await fromFile.executeCommand(pod, 'echo ini')).stdout).toBe('ini\n');
      expect((await fromFile.getSettings()).configDir).toBe(configDir);
    } finally {
      await fromFile.close();
    }
  });

  it('lets constructor options win over the environment', async () => {
    const env = { LIUM_API_KEY: 'from-env', LIUM_BASE_URL: 'http://127.0.0.1:9/api' };
    const explicit = h.newLium({ env, apiKey: h.emu.apiKey, baseUrl: h.emu.baseUrl });
    expect((await explicit.listPods()).map((p) => p.id)).toContain(pod.id);
    await expect(
      h.newLium({ env, apiKey: undefined, baseUrl: undefined }).listPods(),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^(connection_failed|unauthenticated)$/),
    });
  });

  it('sends every request through the fetch it is given', async () => {
    const seen: string[] = [];
    const counting = h.newLium({
      fetch: (input, init) => {
        seen.push(input);
        return fetch(input, init);
      },
    });
    await counting.getBalance();
    expect(seen).toEqual([`${h.emu.baseUrl}/users/me`]);
  });

  it('maps a wrong key to unauthenticated', async () => {
    await expect(h.newLium({ apiKey: 'wrong-key' }).listPods()).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });
});

describe('executors', () => {
  it('expands gpuType through /machines and filters on the server and locally', async () => {
    h.emu.control.clearRequests();
    const h100s = await lium.listExecutors({ gpuType: 'h100', gpuCount: 8 });
    expect(h100s.length).toBeGreaterThan(0);
    for (const e of h100s) expect(e).toMatchObject({ gpuType: 'H100', gpuCount: 8 });
    const [call] = requests('GET', '/executors');
    expect(call?.query.gpu_count_gte).toBe('8');
    expect(call?.query.size).toBe('1000');
    expect(String(call?.query.machine_names)).toContain('NVIDIA H100');
    expect(requests('GET', '/machines')).toHaveLength(1);
  });

  it('applies price, country and CUDA filters', async () => {
    const all = await lium.listExecutors();
    const median = all.map((e) => e.pricePerGpuHour).sort((a, b) => a - b)[
      Math.floor(all.length / 2)
    ]!;
    const cheap = await lium.listExecutors({ maxPricePerGpuHour: median });
    expect(cheap.length).toBeGreaterThan(0);
    expect(cheap.length).toBeLessThan(all.length);
    expect(cheap.every((e) => e.pricePerGpuHour <= median)).toBe(true);

    const code = all.find((e) => e.location.countryCode)!.location.countryCode!;
    const local = await lium.listExecutors({ country: code.toLowerCase() });
    expect(local.length).toBeGreaterThan(0);
    expect(local.every((e) => e.location.countryCode === code)).toBe(true);

    const modern = await lium.listExecutors({ minCudaVersion: 12.4 });
    expect(modern.every((e) => (e.maxCudaVersion ?? 0) >= 12.4)).toBe(true);
  });

  it('maps executors with prices per GPU and in total', async () => {
    const [e] = await lium.listExecutors({ gpuCount: 4 });
    expect(e!.pricePerHour).toBeCloseTo(e!.pricePerGpuHour * 4, 3);
    expect(e!.specs.vramGb).toBeGreaterThan(0);
    expect(e!.huid).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]{2}$/);
  });

  it('gives the deployment estimate as a forecast model', async () => {
    const [e] = await lium.listExecutors();
    const [t] = await lium.getTemplates();
    const forecast = await lium.getDeploymentEstimate(e!.id, t!.id);
    expect(forecast).toMatchObject({
      slowMachine: expect.any(Boolean),
      cachedImage: expect.any(Boolean),
    });
    expect(forecast.seconds === undefined || forecast.seconds >= 0).toBe(true);
  });

  it('finds one executor by HUID or id', async () => {
    const [e] = await lium.listExecutors();
    expect((await lium.getExecutor(e!.huid)).id).toBe(e!.id);
    expect((await lium.getExecutor(e!.id)).id).toBe(e!.id);
    await expect(lium.getExecutor('no-such-executor')).rejects.toMatchObject({
      code: 'target_not_found',
    });
  });
});

describe('startPod', () => {
  it('picks the default template, registers the SSH key once, then trusts the cache', async () => {
    // A fresh config dir: no key cache yet.
    const fresh = h.newLium({ configDir: join(h.dir, 'fresh-config') });
    const [e1, e2] = await fresh.listExecutors({ gpuType: 'RTX4090' });
    h.emu.control.clearRequests();
    const first = await fresh.startPod({ executorId: e1!.id, podName: 'keys-1' });
    expect(requests('GET', '/ssh-keys')).toHaveLength(1);
    const rent = requests('POST', '/executors/*/rent')[0];
    const body = rent?.body as { template_id: string; user_public_key: string[]; pod_name: string };
    expect(body.pod_name).toBe('keys-1');
    expect(body.user_public_key).toEqual([(await readFile(`${h.keyPath}.pub`, 'utf8')).trim()]);
    expect(first.template?.id).toBe(body.template_id);
    const templates = await fresh.getTemplates();
    expect(templates.map((t) => t.id)).toContain(body.template_id);
    expect(rent?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

    const keys = await fresh.listSshKeys();
    const sent = body.user_public_key[0]?.split(/\s+/).slice(0, 2).join(' ');
    expect(keys.map((k) => k.publicKey)).toContain(sent);
    expect(keys.every((k) => k.fingerprint.startsWith('SHA256:'))).toBe(true);

    h.emu.control.clearRequests();
    const second = await fresh.startPod({
      executorId: e2!.huid,
      podName: 'keys-2',
      templateId: body.template_id,
    });
    expect(requests('GET', '/ssh-keys')).toHaveLength(0);
    expect(requests('POST', '/ssh-keys')).toHaveLength(0);
    expect(requests('GET', '/templates')).toHaveLength(0);
    await Promise.all([fresh.stopPod(first), fresh.stopPod(second)]);
  });

  it('registers a new key once when several pods start in parallel', async () => {
    const fresh = h.newLium({
      configDir: join(h.dir, 'parallel-config'),
      sshKeyPath: h.extraKeyPath,
    });
    const executors = (await fresh.listExecutors({ gpuType: 'RTX4090' })).slice(0, 3);
    const templateId = (await fresh.getTemplates())[0]!.id;
    h.emu.control.clearRequests();
    const started = await Promise.all(
      executors.map((e, i) =>
        fresh.startPod({ executorId: e.id, podName: `par-${i}`, templateId }),
      ),
    );
    expect(requests('GET', '/ssh-keys')).toHaveLength(1);
    expect(requests('POST', '/ssh-keys')).toHaveLength(1);
    await Promise.all(started.map((p) => fresh.stopPod(p)));
  });

  it('uses template.default_id from the configuration', async () => {
    const templates = await lium.getTemplates();
    const chosen = templates.at(-1)!;
    const configured = h.newLium({ env: { LIUM_TEMPLATE_DEFAULT_ID: chosen.id } });
    const [e] = await configured.listExecutors({ gpuType: 'L40S' });
    // An ExecutorInfo works as the executor, and the pod is named after it by default.
    const started = await configured.startPod({ executorId: e! });
    expect(started.template?.id).toBe(chosen.id);
    expect(started.name).toBe(e!.huid);
    await configured.stopPod(started);
  });

  it('with ifExists: reuse returns the pod of that name instead of renting again', async () => {
    h.emu.control.clearRequests();
    const again = await lium.startPod({
      executorId: pod.executor!.id,
      podName: 'shared-pod',
      ifExists: 'reuse',
    });
    expect(again.id).toBe(pod.id);
    expect(requests('POST', '/executors/*/rent')).toHaveLength(0);
    await expect(
      lium.startPod({ executorId: pod.executor!.id, podName: 'shared-pod', ifExists: 'error' }),
    ).rejects.toMatchObject({ code: 'pod_exists' });
  });
});

describe('pods', () => {
  it('lists pods with their SSH command, ports and prices', async () => {
    const pods = await lium.listPods();
    const mine = pods.find((p) => p.id === pod.id)!;
    expect(mine).toMatchObject({ name: 'shared-pod', status: 'RUNNING', gpuType: 'A100' });
    expect(mine.sshCmd).toMatch(/^ssh root@127\.0\.0\.1 -p \d+$/);
    expect(mine.ports['22']).toBeGreaterThan(0);
    expect(mine.pricePerHour).toBeGreaterThan(0);
  });

  it('gets a pod by id, HUID and name', async () => {
    expect((await lium.getPod(pod.id)).id).toBe(pod.id);
    expect((await lium.getPod(pod.huid)).id).toBe(pod.id);
    expect((await lium.getPod('shared-pod')).id).toBe(pod.id);
    expect((await lium.getPodByName('shared-pod'))?.id).toBe(pod.id);
    expect(await lium.getPodByName('nobody')).toBeUndefined();
    await expect(lium.getPod('nobody')).rejects.toMatchObject({
      code: 'target_not_found',
      candidates: expect.arrayContaining([`${pod.huid} (shared-pod)`]),
    });
  });

  it('schedules and cancels removal', async () => {
    const at = await lium.scheduleRemoval(pod, { ttl: '6h' });
    expect(at.getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);
    expect(new Date((await lium.getPod(pod.id)).removalScheduledAt!).getTime()).toBe(at.getTime());
    await lium.cancelScheduledRemoval(pod);
    expect((await lium.getPod(pod.id)).removalScheduledAt).toBeNull();
    await expect(lium.scheduleRemoval(pod, { until: '2000-01-01 00:00' })).rejects.toMatchObject({
      code: 'time_spec_past',
    });
  });

  it('installs Jupyter and reports its URL', async () => {
    const withJupyter = await lium.installJupyter(pod);
    expect(withJupyter.jupyterInstallationStatus).toBe('SUCCESS');
    expect(withJupyter.jupyterUrl).toMatch(/^http:\/\//);
  });

  it('streams the container log', async () => {
    h.emu.control.appendPodLog(pod.id, 'hello from PID 1');
    const lines: string[] = [];
    for await (const line of lium.streamLogs(pod, { tail: 50 })) lines.push(line);
    expect(lines.some((line) => line.endsWith('hello from PID 1'))).toBe(true);
  });

  it('reboots, forgets the old host key and is usable again', async () => {
    const [e] = await lium.listExecutors({ gpuType: 'A100' });
    const victim = await lium.waitForPodReady(
      await lium.startPod({ executorId: e!.id, podName: 'reboot-me' }),
    );
    expect((await lium.executeCommand(victim, 'echo before')).stdout).toBe('before\n');
    h.emu.control.setPodFaults(victim.id, { changeHostKeyOnReboot: true });
    await lium.rebootPod(victim);
    const back = await lium.waitForPodReady(victim.id);
    expect((await lium.executeCommand(back, 'echo after')).stdout).toBe('after\n');
    await lium.stopPod(back);
    expect((await lium.listPods()).map((p) => p.id)).not.toContain(victim.id);
    await lium.stopPod(back); // stopping a pod that is gone already succeeds
    await expect(lium.stopPod(victim.id)).rejects.toMatchObject({ code: 'target_not_found' });
  });
});

describe('host keys', () => {
  it('refuses a pod whose host key changed behind its back, unless pinning is off', async () => {
    const [e] = await lium.listExecutors({ gpuType: 'A100' });
    const victim = await lium.waitForPodReady(
      await lium.startPod({ executorId: e!.id, podName: 'rekeyed' }),
    );
    await lium.executeCommand(victim, 'true'); // pins the key
    h.emu.control.setPodFaults(victim.id, { changeHostKeyOnReboot: true });
    // Rebooted by someone else (the raw API), so nothing here forgot the pin.
    await (await lium.getApiClient()).rebootPod(victim.id);
    const pinned = h.newLium();
    await expect(pinned.waitForPodReady(victim.id, { timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'ssh_host_key_mismatch',
    });
    const insecure = h.newLium({ env: { LIUM_SSH_INSECURE: '1' } });
    const back = await insecure.waitForPodReady(victim.id, { timeoutMs: 20_000 });
    expect((await insecure.executeCommand(back, 'echo ok')).stdout).toBe('ok\n');
    await insecure.stopPod(back);
  });
});

describe('commands and files', () => {
  it('runs a command and reports output and exit code', async () => {
    const chunks: string[] = [];
    const result = await lium.executeCommand(pod, 'echo out; echo err >&2; exit 7', {
      onStdout: (c) => chunks.push(c.toString()),
    });
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 7, success: false });
    expect(chunks.join('')).toBe('out\n');
  });

  it('passes env values exactly, whatever they contain', async () => {
    const hostile = `it's "quoted" $HOME \`id\` ; rm -rf / \n second line`;
    const result = await lium.executeCommand(pod, 'printf %s "$HOSTILE"', {
      env: { HOSTILE: hostile },
    });
    expect(result.stdout).toBe(hostile);
    expect(result.success).toBe(true);
  });

  it('accepts stdin and a pod named by HUID', async () => {
    const result = await lium.executeCommand(pod.huid, 'wc -c', { stdin: 'abcde' });
    expect(result.stdout.trim()).toBe('5');
  });

  it('refreshes a stale PodInfo, and refuses pods without SSH or that are gone', async () => {
    const stale = { ...pod, sshCmd: null, status: 'PENDING' };
    await expect(lium.executeCommand(stale, 'true')).resolves.toMatchObject({ success: true });
    expect(() => lium.sshTarget(stale)).toThrow(expect.objectContaining({ code: 'pod_no_ssh' }));
    const gone = { ...pod, id: '00000000-0000-4000-8000-000000000000', sshCmd: null };
    await expect(lium.executeCommand(gone, 'true')).rejects.toMatchObject({
      code: 'target_not_found',
    });
  });

  it('uploads and downloads files with progress', async () => {
    const local = join(h.dir, 'payload.bin');
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeFile(local, payload);
    const progress: number[] = [];
    const up = await lium.uploadFile(pod, local, '/root/payload.bin', {
      onProgress: (p) => progress.push(p.bytes),
    });
    expect(up.bytes).toBe(payload.length);
    expect(progress.at(-1)).toBe(payload.length);
    expect((await lium.executeCommand(pod, 'wc -c < /root/payload.bin')).stdout.trim()).toBe(
      String(payload.length),
    );
    const back = join(h.dir, 'payload.back');
    await lium.downloadFile(pod, '/root/payload.bin', back);
    expect((await readFile(back)).equals(payload)).toBe(true);
  });

  it('syncs a directory up and down, with delete and exclude', async () => {
    const src = join(h.dir, 'project');
    await rm(src, { recursive: true, force: true });
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'a');
    await writeFile(join(src, 'sub', 'b.txt'), 'b');
    await writeFile(join(src, 'skip.log'), 'x');
    const up = await lium.syncDirectory(pod, {
      localPath: `${src}/`,
      remotePath: '/root/project/',
      direction: 'up',
      exclude: ['*.log'],
    });
    expect(up.transferred.length).toBeGreaterThanOrEqual(2);
    const listing = await lium.executeCommand(pod, 'cd /root/project && find . -type f | sort');
    expect(listing.stdout).toBe('./a.txt\n./sub/b.txt\n');

    const dest = join(h.dir, 'project-back');
    await lium.syncDirectory(pod, {
      localPath: `${dest}/`,
      remotePath: '/root/project/',
      direction: 'down',
    });
    expect(await readFile(join(dest, 'sub', 'b.txt'), 'utf8')).toBe('b');

    await rm(join(src, 'a.txt'));
    const again = await lium.syncDirectory(pod, {
      localPath: `${src}/`,
      remotePath: '/root/project/',
      direction: 'up',
      delete: true,
      exclude: ['*.log'],
    });
    expect(again.deleted).toEqual(['a.txt']);
    expect((await lium.executeCommand(pod, 'ls /root/project')).stdout).toBe('sub\n');
  });

  it('keeps rsync’s trailing-slash rule unless told to copy contents, and fans out', async () => {
    const src = join(h.dir, 'folder-rule');
    await rm(src, { recursive: true, force: true });
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'a.txt'), 'a');
    const nested = await lium.syncDirectory(pod, {
      localPath: src,
      remotePath: '/root/rule',
      direction: 'up',
    });
    expect(nested.remotePath).toBe('/root/rule/folder-rule');
    const flat = await lium.syncDirectory(pod, {
      localPath: src,
      remotePath: '/root/rule-flat',
      direction: 'up',
      folderRule: 'contents',
    });
    expect(flat.remotePath).toBe('/root/rule-flat');
    const listing = await lium.executeCommand(pod, 'ls /root/rule /root/rule-flat');
    expect(listing.stdout).toBe('/root/rule:\nfolder-rule\n\n/root/rule-flat:\na.txt\n');

    const back = join(h.dir, 'folder-back');
    const [pulled] = await lium.syncMany([pod], {
      localPath: back,
      remotePath: '/root/rule/folder-rule',
      direction: 'down',
    });
    expect(pulled?.result?.localPath).toBe(join(back, 'folder-rule'));
    expect(await readFile(join(back, 'folder-rule', 'a.txt'), 'utf8')).toBe('a');
    const [missing] = await lium.syncMany([pod], {
      localPath: back,
      remotePath: '/root/no-such-dir/',
      direction: 'down',
    });
    expect(missing?.error).toMatchObject({ code: expect.any(String) });

    // One slot for two syncs: each reports its own time, so together they fit in the whole run
    // (the fan-out's elapsed time given to both would add up to twice it).
    const began = performance.now();
    const twice = await lium.syncMany([pod, pod], {
      localPath: src,
      remotePath: '/root/rule-twice',
      direction: 'up',
      concurrency: 1,
    });
    const elapsedMs = performance.now() - began;
    const durations = twice.map((outcome) => outcome.result?.durationMs ?? Number.NaN);
    for (const ms of durations) expect(ms).toBeGreaterThan(0);
    expect((durations[0] ?? 0) + (durations[1] ?? 0)).toBeLessThanOrEqual(elapsedMs);
  });

  it('opens an interactive shell with the exit code passed through', async () => {
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await lium.shell(pod, {
      stdin: Readable.from(['echo shell-$((20+22))\n', 'exit 3\n']),
      stdout,
      preferSystemSsh: false,
    });
    expect(code).toBe(3);
    expect(output).toContain('shell-42');
  });

  it('forwards a local port to a port on the pod side', async () => {
    const server = createServer((socket) => socket.end('hello through the tunnel'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const forward = await lium.forwardPort(pod, { remotePort: port });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        let data = '';
        connect(forward.localPort, '127.0.0.1')
          .on('data', (chunk) => {
            data += chunk.toString();
          })
          .on('end', () => resolve(data))
          .on('error', reject);
      });
      expect(reply).toBe('hello through the tunnel');
    } finally {
      await forward.close();
      server.close();
    }
  });
});

describe('templates', () => {
  it('creates a template from an image and waits for verification', async () => {
    const template = await lium.createTemplate({ name: 'sdk-test', image: 'python:3.12-slim' });
    expect(template).toMatchObject({
      status: 'VERIFY_SUCCESS',
      dockerImage: 'python',
      dockerImageTag: '3.12-slim',
      isPrivate: true,
    });
    expect((await lium.getTemplates({ search: 'sdk-test' })).map((t) => t.id)).toEqual([
      template.id,
    ]);
    expect((await lium.getTemplates({ onlyMine: true })).map((t) => t.id)).toContain(template.id);
    expect((await lium.getTemplate(template.id)).name).toBe('sdk-test');
    await lium.deleteTemplate(template.id);
    expect((await lium.getTemplates({ search: 'sdk-test' })).length).toBe(0);
  });

  it('reports a failed verification', async () => {
    h.emu.control.failNextTemplateVerifications(1);
    await expect(lium.createTemplate({ name: 'broken', image: 'nope/nope' })).rejects.toMatchObject(
      {
        code: 'template_verify_failed',
      },
    );
  });
});

describe('account, volumes, backups', () => {
  it('reads the balance', async () => {
    expect(await lium.getBalance()).toBeGreaterThan(0);
    const me = await lium.getMe();
    expect(me).toMatchObject({ id: expect.any(String), balanceUsd: await lium.getBalance() });
    expect(me.raw.balance).toBe(me.balanceUsd);
  });

  it('manages SSH keys', async () => {
    const added = await lium.addSshKey({
      name: 'extra',
      publicKey:
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake x',
    });
    expect((await lium.listSshKeys()).map((k) => k.id)).toContain(added.id);
    await lium.removeSshKey(added.id);
    expect((await lium.listSshKeys()).map((k) => k.id)).not.toContain(added.id);
    const synced = await lium.syncSshKeys();
    expect(synced.cached).toBe(false);
  });

  it('creates, renames and deletes volumes', async () => {
    const volume = await lium.createVolume({ name: 'data', description: 'datasets' });
    expect(volume).toMatchObject({ name: 'data', description: 'datasets' });
    expect((await lium.updateVolume(volume.id, { name: 'data2' })).name).toBe('data2');
    expect((await lium.listVolumes()).map((v) => v.id)).toContain(volume.id);
    await lium.deleteVolume(volume.id);
    expect((await lium.listVolumes()).map((v) => v.id)).not.toContain(volume.id);
  });

  it('configures backups, backs up, restores, and turns backups off', async () => {
    expect(await lium.getBackupConfig(pod)).toBeNull();
    const config = await lium.setBackupConfig(pod, { path: '/root', frequencyHours: 12 });
    expect(config).toMatchObject({ path: '/root', frequencyHours: 12 });
    expect((await lium.getBackupConfig(pod))?.id).toBe(config.id);
    const { backupLogId, log } = await lium.backupNow(pod, { wait: true });
    expect(log?.status).toBe('COMPLETED');
    expect((await lium.listBackupLogs(pod)).map((l) => l.id)).toContain(backupLogId);
    const { restoreLogId, log: restored } = await lium.restoreBackup(pod, {
      backupId: backupLogId,
      restorePath: '/root/restored',
      wait: true,
    });
    expect(restored).toMatchObject({
      status: 'COMPLETED',
      percent: 100,
      restorePath: '/root/restored',
    });
    expect((await lium.listRestoreLogs(pod)).map((l) => l.id)).toContain(restoreLogId);
    expect(await lium.removeBackupConfig(pod)).toBe(true);
    expect(await lium.removeBackupConfig(pod)).toBe(false);
  });
});

describe('close', () => {
  it('closes every SSH connection and refuses further use', async () => {
    const own = h.newLium();
    await own.executeCommand(pod, 'true');
    const pool = await own.getSshPool();
    expect(pool.size).toBe(1);
    await own.close();
    expect(pool.size).toBe(0);
    await expect(own.listPods()).rejects.toMatchObject({ code: 'closed' });
    await own.close();
  });

  it('is AsyncDisposable', async () => {
    let pool: Awaited<ReturnType<Lium['getSshPool']>> | undefined;
    {
      const own = h.newLium();
      await own.executeCommand(pod, 'true');
      pool = await own.getSshPool();
      await own[Symbol.asyncDispose]();
    }
    expect(pool.size).toBe(0);
  });
});
