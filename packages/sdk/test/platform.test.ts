import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountRunway,
  addSshKey,
  backupNow,
  balanceDepsOf,
  cancelRemovalOf,
  createTemplateAndVerify,
  createTopupInvoice,
  deleteTemplate,
  deploymentForecast,
  getAccountRunway,
  holdPortForwards,
  type Lium,
  type LogsStatus,
  listBackupRuns,
  listRestoreRuns,
  listScheduledRemovals,
  listSshKeyInfos,
  listTopupCurrencies,
  openPortForwards,
  type PodInfo,
  parseBackupEvery,
  parseBackupKeep,
  parsePortMappings,
  portForwardDepsOf,
  readPublicKeyFile,
  rebootDepsOf,
  rebootPod,
  rebootPods,
  removeBackup,
  removeSshKey,
  restoreBackup,
  scheduleDepsOf,
  scheduleRemovalOf,
  setBackup,
  showBackup,
  streamPodLogLines,
  topupDepsOf,
  volumeDepsOf,
  volumeForRent,
} from '../src/index.ts';
import { type Harness, startHarness } from './harness.ts';

// The platform modules under `lium logs/reboot/volumes/schedules/port-forward/balance/topup`,
// against the emulator: real HTTP (with its fault injection) and real SSH pods.
let h: Harness;
let lium: Lium;
let pod: PodInfo;

async function newPod(name: string): Promise<PodInfo> {
  const executors = await lium.listExecutors();
  const free = executors.find((e) => e.gpuCount === 1) ?? executors[0];
  return lium.waitForPodReady(await lium.startPod({ executorId: free!.id, podName: name }));
}

beforeAll(async () => {
  h = await startHarness({ executors: 20 });
  lium = h.newLium();
  pod = await newPod('platform');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const api = async () => {
  const client = await lium.getApiClient();
  return { streamPodLogs: client.streamPodLogs.bind(client) };
};

describe('streamPodLogLines', () => {
  it('gives the last N lines once, even when the stream drops mid-way twice', async () => {
    for (let i = 1; i <= 60; i++) h.emu.control.appendPodLog(pod.id, `line ${i}`);
    h.emu.control.addFault({
      method: 'GET',
      path: '/pods/*/logs',
      dropStreamAfterBytes: 400,
      times: 2,
    });
    const statuses: LogsStatus[] = [];
    const lines: string[] = [];
    for await (const line of streamPodLogLines(await api(), pod.id, {
      tail: 40,
      reconnectDelayMs: 10,
      onStatus: (s) => statuses.push(s),
    })) {
      lines.push(line);
    }
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 21}`));
    expect(statuses.filter((s) => s.kind === 'reconnecting')).toHaveLength(2);
    expect(h.emu.control.requests({ method: 'GET', path: '/pods/*/logs' }).length).toBe(3);
  });

  it('follows new lines across drops without repeating any, until aborted', async () => {
    const controller = new AbortController();
    h.emu.control.addFault({
      method: 'GET',
      path: '/pods/*/logs',
      dropStreamAfterBytes: 300,
      times: 3,
    });
    const seen: string[] = [];
    const statuses: LogsStatus[] = [];
    let next = 1;
    const opened = h.emu.control.requests({ method: 'GET', path: '/pods/*/logs' }).length;
    let writer: ReturnType<typeof setInterval> | undefined;
    // Start printing once the follower is connected (it asked for no history: tail 0).
    const starter = setInterval(() => {
      if (h.emu.control.requests({ method: 'GET', path: '/pods/*/logs' }).length <= opened) return;
      clearInterval(starter);
      writer = setInterval(() => {
        if (next <= 30) h.emu.control.appendPodLog(pod.id, `live ${next++}`);
      }, 15);
    }, 5);
    try {
      for await (const line of streamPodLogLines(await api(), pod.id, {
        tail: 0,
        follow: true,
        reconnectDelayMs: 5,
        signal: controller.signal,
        onStatus: (s) => statuses.push(s),
      })) {
        seen.push(line);
        if (line === 'live 30') controller.abort();
      }
    } catch (error) {
      expect(error).toMatchObject({ code: 'aborted' });
    } finally {
      clearInterval(starter);
      clearInterval(writer);
    }
    const live = seen.filter((line) => line.startsWith('live '));
    expect(new Set(live).size).toBe(live.length);
    expect(live.at(-1)).toBe('live 30');
    // Lines written while disconnected come back through the reconnect's history.
    expect(live).toEqual(Array.from({ length: 30 }, (_, i) => `live ${i + 1}`));
    expect(statuses.filter((s) => s.kind === 'reconnecting').length).toBe(3);
    expect(statuses.filter((s) => s.kind === 'gap')).toEqual([]);
  });

  it('waits for a container that is not deployed yet, reporting it, then streams', async () => {
    // A slow node: the API answers "Pod container not deployed yet" for the first second.
    const slowWorld = await startHarness({ executors: 3, readyDelayMs: 1_000 });
    try {
      const slow = slowWorld.newLium();
      const [executor] = await slow.listExecutors();
      const started = await slow.startPod({ executorId: executor!.id, podName: 'fresh-logs' });
      const client = await slow.getApiClient();
      const statuses: LogsStatus[] = [];
      const lines: string[] = [];
      for await (const line of streamPodLogLines(
        { streamPodLogs: client.streamPodLogs.bind(client) },
        started.id,
        { tail: 5, notDeployedPollMs: 100, onStatus: (s) => statuses.push(s) },
      )) {
        lines.push(line);
      }
      expect(statuses.filter((s) => s.kind === 'waiting_for_container').length).toBeGreaterThan(0);
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await slowWorld.close();
    }
  });

  it('gives up waiting for the container at its time limit with the API error', async () => {
    const slowWorld = await startHarness({ executors: 3, readyDelayMs: 60_000 });
    try {
      const slow = slowWorld.newLium();
      const [executor] = await slow.listExecutors();
      const started = await slow.startPod({ executorId: executor!.id, podName: 'never-logs' });
      const client = await slow.getApiClient();
      const read = async () => {
        for await (const _ of streamPodLogLines(
          { streamPodLogs: client.streamPodLogs.bind(client) },
          started.id,
          { notDeployedPollMs: 50, notDeployedTimeoutMs: 300 },
        ));
      };
      await expect(read()).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('not deployed'),
      });
    } finally {
      await slowWorld.close();
    }
  });
});

describe('rebootPod', () => {
  it('reboots through REBOOT_PENDING, takes the new host key the server announced, and answers SSH', async () => {
    const victim = await newPod('reboot-wait');
    await lium.executeCommand(victim, 'true'); // pins the key
    h.emu.control.setPodFaults(victim.id, { changeHostKeyOnReboot: true });
    const seen: string[] = [];
    const result = await rebootPod(await rebootDepsOf(lium), victim, {
      pollMs: 20,
      onStatus: (p) => seen.push(p.status),
    });
    expect(result.ready).toBe(true);
    expect(seen.some((s) => s !== 'RUNNING')).toBe(true);
    expect(seen.at(-1)).toBe('RUNNING');
    expect((await lium.executeCommand(result.pod, 'echo back')).stdout).toBe('back\n');
    await lium.stopPod(victim);
  });

  it('fails with pod_not_ready when the pod never answers SSH again', async () => {
    const victim = await newPod('reboot-never');
    h.emu.control.setPodFaults(victim.id, { refuseConnections: true });
    await expect(
      rebootPod(await rebootDepsOf(lium), victim, { pollMs: 20, timeoutMs: 3_000 }),
    ).rejects.toMatchObject({ code: 'pod_not_ready' });
    h.emu.control.setPodFaults(victim.id, { refuseConnections: false });
    await lium.stopPod(victim);
  });

  it('with wait: false returns at once', async () => {
    const result = await rebootPod(await rebootDepsOf(lium), pod, { wait: false });
    expect(result.ready).toBe(false);
    pod = await lium.waitForPodReady(pod.id);
  });

  it('rebootPods reboots each pod, one failing without stopping the other, in order', async () => {
    // One after the other: each takes the first free machine.
    const good = await newPod('reboot-many-a');
    const bad = await newPod('reboot-many-b');
    h.emu.control.setPodFaults(bad.id, { refuseConnections: true });
    const statusesOf = new Map<string, string[]>();
    const outcomes = await rebootPods(await rebootDepsOf(lium), [good, bad], {
      pollMs: 20,
      timeoutMs: 5_000,
      concurrency: 1,
      onStatus: (of, now) => statusesOf.set(of.id, [...(statusesOf.get(of.id) ?? []), now.status]),
    });
    expect(outcomes.map((o) => o.pod.id)).toEqual([good.id, bad.id]);
    expect(outcomes[0]?.result?.ready).toBe(true);
    expect(outcomes[1]?.error).toMatchObject({ code: 'pod_not_ready' });
    expect(statusesOf.get(good.id)?.at(-1)).toBe('RUNNING');
    expect(statusesOf.get(bad.id)?.length).toBeGreaterThan(0);
    h.emu.control.setPodFaults(bad.id, { refuseConnections: false });
    await Promise.all([lium.stopPod(good), lium.stopPod(bad)]);
  });
});

describe('schedules', () => {
  it('schedules by --in, lists when, how long and the cost until then, and cancels', async () => {
    const now = new Date();
    const deps = await scheduleDepsOf(lium);
    const at = await scheduleRemovalOf(deps, pod, { in: '2h' }, { now });
    expect(at.getTime()).toBe(now.getTime() + 7_200_000);
    const [listed, ...rest] = await listScheduledRemovals(deps, { now });
    expect(rest).toEqual([]);
    expect(listed?.pod.id).toBe(pod.id);
    expect(listed?.at).toBe(at.toISOString());
    expect(listed?.inMs).toBe(7_200_000);
    expect(listed?.costUsd).toBeCloseTo(pod.pricePerHour * 2, 2);
    const fresh = await lium.getPod(pod.id);
    expect(await cancelRemovalOf(deps, fresh)).toBe(true);
    expect(await listScheduledRemovals(deps)).toEqual([]);
    expect(await cancelRemovalOf(deps, await lium.getPod(pod.id))).toBe(false);
  });

  it('refuses a time in the past before calling the API', async () => {
    const deps = await scheduleDepsOf(lium);
    const before = h.emu.control.requests({ method: 'POST', path: '/pods/*/schedule-removal' });
    await expect(scheduleRemovalOf(deps, pod, { at: '2001-01-01 10:00' })).rejects.toMatchObject({
      code: 'time_spec_past',
    });
    expect(h.emu.control.requests({ method: 'POST', path: '/pods/*/schedule-removal' })).toEqual(
      before,
    );
  });
});

describe('volumes', () => {
  it('creates a volume for new:name=…, then finds it by HUID and name for id:…', async () => {
    const deps = volumeDepsOf(lium);
    const made = await volumeForRent(deps, 'new:name=data,desc=training, set 1');
    expect(made.created).toBe(true);
    expect(made.volume).toMatchObject({ name: 'data', description: 'training, set 1' });
    const byHuid = await volumeForRent(deps, `id:${made.volume.huid}`);
    expect(byHuid).toEqual({ volume: made.volume, created: false });
    expect((await volumeForRent(deps, 'id:data')).volume.id).toBe(made.volume.id);
    await expect(volumeForRent(deps, 'new:name=data')).rejects.toMatchObject({
      code: 'volume_exists',
    });
    await expect(volumeForRent(deps, 'id:nope-nope-00')).rejects.toMatchObject({
      code: 'target_not_found',
    });
    await deps.deleteVolume(made.volume.id, {});
    expect(await deps.listVolumes({})).toEqual([]);
  });
});

describe('port forwards', () => {
  it('tunnels 127.0.0.1:N to the pod localhost:PORT over SSH until the signal fires', async () => {
    // A server inside the pod, on its localhost only.
    void lium
      .executeCommand(
        pod,
        'timeout 20 python3 -m http.server 8123 --bind 127.0.0.1 >/dev/null 2>&1 || timeout 20 busybox httpd -f -p 127.0.0.1:8123',
        { timeoutMs: 25_000 },
      )
      .catch(() => undefined);
    const controller = new AbortController();
    let url = '';
    const held = holdPortForwards(portForwardDepsOf(lium), pod, parsePortMappings('8123:0'), {
      signal: controller.signal,
      onReady: (forwards) => {
        url = forwards[0]?.url ?? '';
      },
    });
    // Awaited below; when a poll fails first (a slow machine, then the retry), the forward must
    // still close and its later rejection must not surface as an unhandled one.
    held.catch(() => undefined);
    try {
      await expect.poll(() => url, { timeout: 10_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect
        .poll(
          async () => {
            try {
              return await (await fetch(`${url}/`)).status;
            } catch {
              return 0;
            }
          },
          { timeout: 15_000, interval: 200 },
        )
        .toBe(200);
    } finally {
      controller.abort();
    }
    const forwards = await held;
    const port = forwards[0]?.localPort ?? 0;
    // Closed: nothing listens there any more.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('is all or nothing: a local port in use fails with a hint and closes the others', async () => {
    const first = await openPortForwards(portForwardDepsOf(lium), pod, parsePortMappings('22:0'));
    const taken = first.forwards[0]?.localPort ?? 0;
    await expect(
      openPortForwards(portForwardDepsOf(lium), pod, parsePortMappings(`22:0,22:${taken}`)),
    ).rejects.toMatchObject({
      code: 'local_port_unavailable',
      message: expect.stringContaining(String(taken)),
    });
    await first.close();
  });
});

describe('balance and top-up', () => {
  it('reports the balance, the hourly spend of billed pods and the runway', async () => {
    h.emu.control.setBalance(42.1);
    const runway = await getAccountRunway(balanceDepsOf(lium));
    const pods = await lium.listPods();
    const hourly = pods.reduce((sum, p) => sum + p.pricePerHour, 0);
    expect(runway.balanceUsd).toBeCloseTo(42.1, 1);
    expect(runway.hourlyUsd).toBeCloseTo(hourly, 3);
    expect(runway.billedPods.map((p) => p.id).sort()).toEqual(pods.map((p) => p.id).sort());
    expect(runway.runwayHours).toBeCloseTo(runway.balanceUsd / hourly, 3);
    expect(accountRunway(10, []).runwayHours).toBeNull();
  });

  it('lists top-up currencies and creates an invoice only for a pair the server offers', async () => {
    const deps = await topupDepsOf(lium);
    const currencies = await listTopupCurrencies(deps, { refresh: true });
    expect(currencies).toContainEqual(expect.objectContaining({ code: 'USDT', network: 'tron' }));
    const invoice = await createTopupInvoice(deps, { amountUsd: 25, currency: 'usdt' });
    expect(invoice).toMatchObject({ currency: 'USDT', network: 'tron', amountUsd: 25 });
    expect(invoice.address).toBeTruthy();
    expect(invoice.expiresAt).toMatch(/^\d{4}-/);
    const invoices = () =>
      h.emu.control.requests({ method: 'POST', path: '/tmc-pay/create-invoice' });
    const before = invoices().length;
    await expect(
      createTopupInvoice(deps, { amountUsd: 25, currency: 'DOGE' }),
    ).rejects.toMatchObject({ code: 'usage_error', hint: expect.stringContaining('USDT/tron') });
    await expect(
      createTopupInvoice(deps, { amountUsd: 0.5, currency: 'USDT' }),
    ).rejects.toMatchObject({
      code: 'usage_error',
    });
    expect(invoices().length).toBe(before);
  });
});

describe('backups', () => {
  it('sets, shows, backs up now with progress, restores with progress, and removes', async () => {
    const api = await lium.getApiClient();
    await lium.executeCommand(pod, 'mkdir -p /root/work && echo precious > /root/work/data.txt');
    const config = await setBackup(api, pod, {
      path: '/root/work',
      everyHours: parseBackupEvery('6h'),
      keepDays: parseBackupKeep('2w'),
    });
    expect(config).toMatchObject({ path: '/root/work', frequencyHours: 6, retentionDays: 14 });
    await expect(setBackup(api, pod, {})).rejects.toMatchObject({ code: 'backup_config_exists' });
    const percents: number[] = [];
    const done = await backupNow(api, pod, {
      name: 'first',
      pollMs: 50,
      onProgress: (p) => percents.push(p.percent),
    });
    expect(done.log?.status).toBe('COMPLETED');
    expect(percents.at(-1)).toBe(100);
    expect(percents.length).toBeGreaterThan(1);
    expect((await showBackup(api, pod)).latest?.id).toBe(done.backupLogId);
    expect((await listBackupRuns(api, pod))[0]?.id).toBe(done.backupLogId);

    const restored = await restoreBackup(api, pod, {
      backupId: done.backupLogId,
      to: '/root/restored',
      pollMs: 50,
    });
    expect(restored.log?.status).toBe('COMPLETED');
    expect((await lium.executeCommand(pod, 'cat /root/restored/data.txt')).stdout).toBe(
      'precious\n',
    );
    expect((await listRestoreRuns(api, pod))[0]?.id).toBe(restored.restoreLogId);
    expect(await removeBackup(api, pod)).toBe(true);
    expect(await removeBackup(api, pod)).toBe(false);
    expect((await showBackup(api, pod)).config).toBeNull();
  });

  it('a failing backup throws backup_failed with the server reason', async () => {
    const api = await lium.getApiClient();
    await setBackup(api, pod, { path: '/root/does-not-exist', replace: true });
    await expect(backupNow(api, pod, { pollMs: 50 })).rejects.toMatchObject({
      code: 'backup_failed',
      message: expect.stringContaining('/root/does-not-exist does not exist'),
    });
    await removeBackup(api, pod);
  });

  it('refuses --every and --keep it cannot honour', () => {
    expect(() => parseBackupEvery('90m')).toThrow(/Invalid --every "90m"/);
    expect(() => parseBackupKeep('36h')).toThrow(/whole days/);
    expect(parseBackupKeep('1d')).toBe(1);
  });
});

describe('ssh keys', () => {
  it('adds a key file once, lists it with its fingerprint, and removes it by name', async () => {
    const api = await lium.getApiClient();
    const line = await readPublicKeyFile(`${h.extraKeyPath}.pub`);
    const first = await addSshKey(api, line, { name: 'laptop' });
    expect(first.added).toBe(true);
    expect(first.key).toMatchObject({
      name: 'laptop',
      fingerprint: expect.stringMatching(/^SHA256:/),
    });
    expect((await addSshKey(api, line, { name: 'again' })).added).toBe(false);
    expect((await listSshKeyInfos(api)).map((k) => k.name)).toContain('laptop');
    await expect(readPublicKeyFile(h.extraKeyPath)).rejects.toMatchObject({
      code: 'ssh_key_invalid',
      message: expect.stringContaining('private key'),
    });
    expect((await removeSshKey(api, 'laptop')).id).toBe(first.key.id);
    await expect(removeSshKey(api, 'laptop')).rejects.toMatchObject({ code: 'target_not_found' });
  });
});

describe('templates', () => {
  it('creates a template and waits for verification; a failed one carries the verifier log', async () => {
    const api = await lium.getApiClient();
    const seen: string[] = [];
    const made = await createTemplateAndVerify(api, {
      image: 'pytorch/pytorch:2.4.0',
      ports: [8888],
      pollMs: 50,
      onStatus: (t) => seen.push(t.status ?? ''),
    });
    expect(made.status).toBe('VERIFY_SUCCESS');
    expect(made.name).toBe('pytorch-2.4.0');
    h.emu.control.failNextTemplateVerifications(1);
    const failed = await createTemplateAndVerify(api, { image: 'nope/broken', pollMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(failed).toMatchObject({ code: 'template_verify_failed' });
    expect((failed as { log: string }).log.length).toBeGreaterThan(0);
    await deleteTemplate(api, made.id);
    await deleteTemplate(api, (failed as { templateId: string }).templateId);
    await expect(deleteTemplate(api, made.id)).rejects.toMatchObject({ code: 'target_not_found' });
  });

  it('gives the deployment estimate for a confirmation, or nothing when the server fails', async () => {
    const api = await lium.getApiClient();
    const [executor] = await lium.listExecutors();
    const template = pod.template?.id ?? '';
    const forecast = await deploymentForecast(api, executor!.id, template);
    expect(forecast?.seconds).toBeGreaterThan(0);
    h.emu.control.addFault({ path: '/executors/deployment-estimate', status: 500, times: 1 });
    expect(await deploymentForecast(api, executor!.id, template)).toBeUndefined();
  });
});
