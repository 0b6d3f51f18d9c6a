// @ts-check
/**
 * P3: 100 sequential `executeCommand` on one open connection (one SDK process) against the same
 * count through an OpenSSH ControlMaster (`ssh -S ControlPath host true`, OpenSSH's own
 * multiplexed exec), both against a pod whose SSH server is a real OpenSSH sshd (the emulator's
 * `--pod-ssh openssh`, what lium.io pods run). P3e: the same pair against the emulator's own
 * ssh2 pod server. Rounds alternate: ours, then OpenSSH's, and again.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { opensshMissing, sshClientOptions } from '../lib/openssh.mjs';
import { rentPods } from '../lib/pods.mjs';
import { run, runOk } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome, tempDir } from '../lib/workspace.mjs';

const CALLS = 100;
const worker = fileURLToPath(new URL('../workers/exec-loop.mjs', import.meta.url));
const lower = /** @type {const} */ ('lower');

export const specs = [
  {
    id: 'P3',
    what: `${CALLS} sequential executeCommand on an open connection, OpenSSH sshd pod`,
    baseline: `${CALLS} × ssh -S ControlPath host true (OpenSSH ControlMaster), same pod`,
    unit: 'ms',
    direction: lower,
    limit: 1,
  },
  {
    id: 'P3e',
    what: `${CALLS} sequential executeCommand on an open connection, emulator (ssh2) pod`,
    baseline: `${CALLS} × ssh -S ControlPath host true (OpenSSH ControlMaster), same pod`,
    unit: 'ms',
    direction: lower,
    limit: 1,
  },
];

/**
 * One pod of its own emulator, timed both ways.
 * @param {import('../run.mjs').BenchContext} ctx
 * @param {(typeof specs)[number]} spec
 * @param {'openssh' | 'ssh2'} podSsh
 */
async function measurePair(ctx, spec, podSsh) {
  const emulator = await startEmulatorProcess({ executors: 20, podSsh, sandbox: 'none' });
  try {
    const user = await cliHome(emulator);
    const [pod] = await rentPods(user, 1);
    if (!pod) throw new Error('no pod rented');
    const target = await podAddress(user, pod.id);
    const control = join(await tempDir('mux'), 'control');
    const ssh = [
      ...sshClientOptions(user.key.privateKeyPath),
      '-p',
      String(target.port),
      '-o',
      `ControlPath=${control}`,
    ];
    const at = `${target.user}@${target.host}`;
    // The master: authenticated once, in the background, until `-O exit`.
    await runOk('ssh', [...ssh, '-M', '-o', 'ControlPersist=yes', '-f', '-N', at], {
      env: user.env,
      timeoutMs: 60_000,
    });
    try {
      const check = await run('ssh', [...ssh, '-o', 'ControlMaster=no', at, 'true'], {
        env: user.env,
      });
      if (check.code !== 0) throw new Error(`ssh -S ${control} true failed: ${check.stderr}`);
      const rounds = ctx.quick ? 1 : 5;
      /** @type {number[]} */
      const ours = [];
      /** @type {number[]} */
      const firstCalls = [];
      /** @type {number[]} */
      const mux = [];
      for (let round = 0; round < rounds; round++) {
        const result = await runOk(process.execPath, [worker, pod.id, String(CALLS), '1'], {
          env: user.env,
        });
        const times = JSON.parse(result.stdout);
        ours.push(...times.open);
        firstCalls.push(...times.firstCall);
        const started = process.hrtime.bigint();
        for (let i = 0; i < CALLS; i++) {
          await runOk('ssh', [...ssh, '-o', 'ControlMaster=no', at, 'true'], { env: user.env });
        }
        mux.push(Number(process.hrtime.bigint() - started) / 1e6);
        ctx.log(
          `${spec.id} round ${round + 1}: ours ${ours.at(-1)?.toFixed(0)} ms, ControlMaster ${mux.at(-1)?.toFixed(0)} ms`,
        );
      }
      return ratioRow({
        ...spec,
        samples: ours,
        baselineSamples: mux,
        note: `per call: ours ${(median(ours) / CALLS).toFixed(1)} ms, OpenSSH multiplexed ${(median(mux) / CALLS).toFixed(1)} ms; a fresh Lium's first call (handshake included) ${median(firstCalls).toFixed(0)} ms. The ${podSsh === 'openssh' ? 'pod is a real OpenSSH sshd (emulator --pod-ssh openssh --sandbox none)' : "pod is the emulator's ssh2 server (--sandbox none)"}.`,
      });
    } finally {
      await run('ssh', [...ssh, '-O', 'exit', at], { env: user.env, timeoutMs: 10_000 });
    }
  } finally {
    await emulator.stop();
  }
}

/**
 * Host, port and user the SDK would connect to.
 * @param {{ env: NodeJS.ProcessEnv, home: string }} user
 * @param {string} podId
 */
async function podAddress(user, podId) {
  const { builtEntry } = await import('../lib/paths.mjs');
  const { Lium } = await import(builtEntry('sdk'));
  const lium = new Lium({ env: user.env, homeDir: user.home });
  try {
    return lium.sshTarget(await lium.getPod(podId));
  } finally {
    await lium.close();
  }
}

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const missing = opensshMissing();
  if (missing) throw new Error(missing);
  const [real, emulated] = /** @type {[(typeof specs)[0], (typeof specs)[1]]} */ (specs);
  return [await measurePair(ctx, real, 'openssh'), await measurePair(ctx, emulated, 'ssh2')];
}
