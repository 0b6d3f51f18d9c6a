// @ts-check
/**
 * P7 (issue #17): a cold `lium exec 1 true` when the API is far away (the emulator's latency
 * fault: +100 ms on every API request), against a cold `ssh -i KEY -p PORT root@HOST true` to
 * the same pod. Main row: the pod's SSH server is a real OpenSSH `sshd` (what real pods run),
 * put behind the emulated pod's address by lib/api-proxy.mjs; extra row: the emulator's own
 * ssh2 pod server. `lium exec <huid> true` (no index, so no remembered address: the API answers
 * before the handshake starts, as every exec did before) is timed alongside, for reading.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSshRewritingProxy } from '../lib/api-proxy.mjs';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { startBenchSshd } from '../lib/openssh.mjs';
import { liumBin } from '../lib/paths.mjs';
import { rentPods } from '../lib/pods.mjs';
import { interleave, run, runOk } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome, tempDir } from '../lib/workspace.mjs';

const LATENCY_MS = 100;
const coldExecWorker = fileURLToPath(new URL('../workers/ssh2-cold-exec.mjs', import.meta.url));
const BASELINE = 'cold `ssh -i KEY -p PORT root@HOST true`, same pod';

export const specs = [
  {
    id: 'P7',
    what: `lium exec 1 true, API +${LATENCY_MS} ms per request, real sshd pod`,
    baseline: BASELINE,
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.15,
  },
  {
    id: 'P7',
    what: `lium exec 1 true, API +${LATENCY_MS} ms per request, emulator pod`,
    baseline: BASELINE,
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.15,
  },
  {
    id: 'P7f',
    what: `lium exec 1 true, API +${LATENCY_MS} ms per request, real sshd pod, against a bare Node ssh2 client`,
    baseline:
      'workers/ssh2-cold-exec.mjs: node, ssh2 client alone, connect, exec true, exit (no API, no pinning), same pod',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.25,
  },
];

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const sshd = await startBenchSshd();
  const fault = JSON.stringify({ path: '/**', latencyMs: LATENCY_MS });
  const emulator = await startEmulatorProcess({ executors: 20, extraArgs: ['--fault', fault] });
  /** @type {{ stop: () => Promise<void> } | undefined} */
  let proxy;
  try {
    const user = await cliHome(emulator);
    const [pod] = await rentPods(user, 1);
    if (!pod) throw new Error('no pod rented');
    await appendFile(sshd.authorizedKeysPath, await readFile(user.key.publicKeyPath));
    const rewriting = await startSshRewritingProxy({
      baseUrl: emulator.baseUrl,
      podId: pod.id,
      sshCmd: `ssh ${sshd.user}@127.0.0.1 -p ${sshd.port}`,
    });
    proxy = rewriting;
    const rows = /** @type {{ id: string, ssh_connect_cmd: string | null }[]} */ (
      await (
        await fetch(`${emulator.baseUrl}/pods`, { headers: { 'X-API-KEY': emulator.apiKey } })
      ).json()
    );
    const emulatorCmd = rows.find((row) => row.id === pod.id)?.ssh_connect_cmd ?? '';
    const emulatorPort = Number(/-p (\d+)/.exec(emulatorCmd)?.[1]);
    if (!emulatorPort) throw new Error(`no SSH port in ${emulatorCmd}`);
    // One pod id, two servers with different host keys: each variant pins in its own config dir
    // (renting pinned the emulator pod's key in the user's).
    const sshdConfig = await tempDir('p7-config');
    await mkdir(sshdConfig, { recursive: true, mode: 0o700 });
    const variants = {
      sshd: {
        env: { ...user.env, LIUM_BASE_URL: rewriting.baseUrl, LIUM_CONFIG_DIR: sshdConfig },
        port: sshd.port,
        user: sshd.user,
        configDir: sshdConfig,
        // The sshd is not the pod: no LIUM_POD_ID there.
        expectedPodId: '',
      },
      emulator: {
        env: user.env,
        port: emulatorPort,
        user: 'root',
        configDir: /** @type {string} */ (user.env.LIUM_CONFIG_DIR),
        expectedPodId: pod.id,
      },
    };
    const node = process.execPath;
    /** @type {Record<string, () => Promise<import('../lib/process.mjs').RunResult>>} */
    const commands = {};
    for (const [name, variant] of Object.entries(variants)) {
      // `lium ps` keeps the index and the pod's address; the first exec pins the host key.
      await runOk(node, [liumBin, 'ps'], { env: variant.env });
      const seen = await runOk(node, [liumBin, 'exec', '1', 'echo $LIUM_POD_ID'], {
        env: variant.env,
      });
      if (seen.stdout.trim() !== variant.expectedPodId) {
        throw new Error(`P7 ${name}: lium exec 1 reached the wrong server (${seen.stdout.trim()})`);
      }
      // The figure is about the speculative path: make sure it is the one measured.
      const debug = await runOk(node, [liumBin, '--debug', 'exec', '1', 'true'], {
        env: variant.env,
      });
      if (!debug.stderr.includes('preconnect: {"kind":"used"')) {
        const line = /preconnect: .*/.exec(debug.stderr)?.[0] ?? 'no preconnect line';
        throw new Error(`P7 ${name}: lium exec 1 did not use the remembered address (${line})`);
      }
      const sshArgs = [
        '-i',
        user.key.privateKeyPath,
        '-p',
        String(variant.port),
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${join(variant.configDir, 'known_hosts', pod.id)}`,
        '-o',
        'LogLevel=ERROR',
        `${variant.user}@127.0.0.1`,
        'true',
      ];
      commands[`${name}:ssh`] = () => run('ssh', sshArgs, { env: variant.env });
      commands[`${name}:lium`] = () =>
        run(node, [liumBin, 'exec', '1', 'true'], { env: variant.env });
      commands[`${name}:huid`] = () =>
        run(node, [liumBin, 'exec', pod.huid, 'true'], { env: variant.env });
      if (name === 'sshd') {
        // The Node floor: what any Node client pays for a cold exec on this pod (row P7f).
        const floorArgs = [coldExecWorker, '127.0.0.1', String(variant.port), variant.user];
        const floorEnv = { ...variant.env, BENCH_KEY: user.key.privateKeyPath };
        await runOk(node, floorArgs, { env: floorEnv });
        commands[`${name}:node`] = () => run(node, floorArgs, { env: floorEnv });
      }
    }
    ctx.log(`P7: pod ${pod.huid}, sshd on ${sshd.port}, emulator pod on ${emulatorPort}`);
    const times = await interleave(commands, ctx.quick ? 5 : 15);
    const results = Object.keys(variants).map((name, i) => {
      const [ours, ssh, huid] = ['lium', 'ssh', 'huid'].map(
        (kind) => times[`${name}:${kind}`] ?? [],
      );
      const spec = /** @type {(typeof specs)[0]} */ (specs[i]);
      return ratioRow({
        ...spec,
        samples: /** @type {number[]} */ (ours),
        baselineSamples: /** @type {number[]} */ (ssh),
        note: `lium exec ${pod.huid} true (no remembered address: API first, then SSH, as before the preconnect) ${median(huid ?? []).toFixed(0)} ms = ${(median(huid ?? []) / median(ssh ?? [])).toFixed(2)}× ssh; the API answers each request ${LATENCY_MS} ms late.`,
      });
    });
    const floor = times['sshd:node'] ?? [];
    const sshdSsh = times['sshd:ssh'] ?? [];
    results.push(
      ratioRow({
        .../** @type {(typeof specs)[0]} */ (specs[2]),
        samples: times['sshd:lium'] ?? [],
        baselineSamples: floor,
        note: `the bare Node client alone is ${(median(floor) / median(sshdSsh)).toFixed(2)}× cold ssh (${median(floor).toFixed(0)} against ${median(sshdSsh).toFixed(0)} ms): Node's start, ssh2's load and a JavaScript handshake, which no Node client avoids; \`node -e 0\` is P1's baseline.`,
      }),
    );
    return results;
  } finally {
    await proxy?.stop();
    await emulator.stop();
    await sshd.stop();
  }
}
