#!/usr/bin/env node
// The README's first Quick-start command (`pnpm demo`, which builds first).
//
// Starts the embedded @lium/emulator (a local Lium API whose pods are real SSH servers on
// loopback), makes a throwaway HOME with its own ~/.lium and ed25519 key, then drives the BUILT
// `lium` binary through the whole workflow as a user would: ls → up → ps → exec → scp both ways
// → rsync → down. Every step is printed with its output and checked; the exit code is 0 only if
// every step did what it should.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTestKey } from '@lium/test-support/keys';

const LIUM_BIN = fileURLToPath(new URL('../apps/cli/bin/lium.js', import.meta.url));
const STEP_TIMEOUT_MS = 120_000;

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const cyan = paint('36');

/** Runs the built `lium` with `args`; resolves `{ code, stdout, stderr }`. */
function runLium(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LIUM_BIN, ...args], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** A throwaway HOME with ~/.lium and ~/.ssh/id_ed25519 (made by ssh-keygen, else ssh2). */
async function makeHome() {
  const dir = mkdtempSync(join(tmpdir(), 'lium-demo-'));
  const home = join(dir, 'home');
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  const keyPath = join(sshDir, 'id_ed25519');
  try {
    await generateTestKey({ dir: sshDir, name: 'id_ed25519', comment: 'lium-demo' });
  } catch {
    // No OpenSSH client: ssh2 (the CLI's own dependency) writes the same OpenSSH key format.
    const ssh2 = createRequire(new URL('../apps/cli/package.json', import.meta.url))('ssh2');
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'lium-demo' });
    writeFileSync(keyPath, pair.private, { mode: 0o600 });
    writeFileSync(`${keyPath}.pub`, `${pair.public}\n`);
  }
  return { dir, home, configDir: join(home, '.lium') };
}

/**
 * The workflow, step by step, against the API at `baseUrl`. Returns the number of failed
 * steps. Exported so the CLI's test suite runs exactly what the demo runs.
 */
export async function runWorkflow({ baseUrl, apiKey, log = console.log }) {
  const sandbox = await makeHome();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: sandbox.home,
    LIUM_CONFIG_DIR: sandbox.configDir,
    LIUM_API_KEY: apiKey,
    LIUM_BASE_URL: baseUrl,
    NO_COLOR: '1',
  };
  const work = join(sandbox.dir, 'work');
  mkdirSync(join(work, 'project', 'src'), { recursive: true });
  const results = [];

  /**
   * One step: run `lium …`, show what it printed, then check it. `check` returns a short
   * description of what it verified, or throws.
   */
  async function step(title, args, check) {
    log(`\n${bold(cyan('▶'))} ${bold(title)}\n  ${dim(`$ lium ${args.join(' ')}`)}`);
    let ok = false;
    let note;
    try {
      const result = await runLium(args, env, work);
      if (result.stdout.trim()) log(indent(result.stdout));
      if (result.stderr.trim()) log(dim(indent(result.stderr)));
      note = await check(result);
      ok = true;
    } catch (error) {
      note = error instanceof Error ? error.message : String(error);
    }
    log(`  ${ok ? green('✔') : red('✘')} ${note}`);
    results.push({ title, ok });
    return ok;
  }

  const expectCode = (result, code = 0) => {
    if (result.code !== code) throw new Error(`exit code ${result.code}, expected ${code}`);
  };

  try {
    await step('Find machines', ['ls', '--limit', '5'], (r) => {
      expectCode(r);
      const rows = r.stdout.trim().split('\n').slice(1);
      if (rows.length === 0) throw new Error('no machines listed');
      return `${rows.length} machines listed; the index is remembered for \`up\``;
    });

    let huid = '';
    await step('Rent the first one and wait until it is usable', ['up', '1', '-y'], (r) => {
      expectCode(r);
      if (!/ready/.test(r.stderr)) throw new Error('no "ready" message');
      return 'pod rented, RUNNING and reachable over SSH';
    });

    await step('List pods', ['ps'], async (r) => {
      expectCode(r);
      const json = await runLium(['ps', '--json'], env, work);
      const pods = JSON.parse(json.stdout);
      if (pods.length !== 1 || pods[0].status !== 'RUNNING')
        throw new Error(`expected one RUNNING pod, got ${json.stdout}`);
      huid = pods[0].huid;
      return `one RUNNING pod: ${huid}`;
    });

    await step(
      'Run a command on it',
      ['exec', '1', 'echo "hello from $(hostname)"; nproc'],
      (r) => {
        expectCode(r);
        if (!r.stdout.includes('hello from')) throw new Error('the remote output did not arrive');
        return 'remote output streamed back, exit code 0';
      },
    );

    await step('Pass the remote exit code through', ['exec', '1', 'exit 3'], (r) => {
      expectCode(r, 3);
      return '`lium exec` exited 3, like the remote command';
    });

    const upload = join(work, 'weights.bin');
    writeFileSync(
      upload,
      Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 256)),
    );
    await step('Upload a file', ['scp', '1', 'weights.bin', '/root/weights.bin'], async (r) => {
      expectCode(r);
      const remote = await runLium(['exec', '1', 'sha256sum /root/weights.bin'], env, work);
      if (!remote.stdout.startsWith(sha256(upload))) throw new Error('remote checksum differs');
      return 'sha256 on the pod matches the local file';
    });

    const download = join(work, 'weights.back.bin');
    await step('Download it again', ['scp', '1:/root/weights.bin', 'weights.back.bin'], (r) => {
      expectCode(r);
      if (!existsSync(download) || sha256(download) !== sha256(upload))
        throw new Error('downloaded file differs');
      return 'the downloaded file equals the uploaded one';
    });

    writeFileSync(join(work, 'project', 'train.py'), 'print("training")\n');
    writeFileSync(join(work, 'project', 'src', 'model.py'), 'LAYERS = 12\n');
    await step(
      'Sync a project directory to the pod',
      ['rsync', 'project/', '1:/root/project/'],
      async (r) => {
        expectCode(r);
        const remote = await runLium(
          ['exec', '1', 'cat /root/project/src/model.py && python3 -c 1 2>/dev/null; true'],
          env,
          work,
        );
        if (!remote.stdout.includes('LAYERS = 12'))
          throw new Error('synced file missing on the pod');
        return 'project/src/model.py is on the pod';
      },
    );

    await step('Sync it back', ['rsync', '1:/root/project/', 'project-copy/'], () => {
      const copy = join(work, 'project-copy', 'src', 'model.py');
      if (!existsSync(copy) || readFileSync(copy, 'utf8') !== 'LAYERS = 12\n')
        throw new Error('pulled tree differs');
      return 'the pulled tree equals the pushed one';
    });

    await step('Stop the pod', ['down', '1', '-y'], async (r) => {
      expectCode(r);
      const json = await runLium(['ps', '--json'], env, work);
      if (JSON.parse(json.stdout).length !== 0) throw new Error('the pod is still listed');
      return 'no pods left: nothing is billing';
    });
  } finally {
    // Whatever happened above, leave nothing running behind.
    const left = await runLium(['down', '--all', '-y'], env, work).catch(() => undefined);
    if (left && left.code !== 0) log(dim(indent(left.stderr)));
    rmSync(sandbox.dir, { recursive: true, force: true });
  }

  const failed = results.filter((r) => !r.ok).length;
  log(
    `\n${failed === 0 ? green(bold('✔ All')) : red(bold(`✘ ${failed} of`))} ${results.length} steps ${failed === 0 ? 'passed' : 'failed'}.`,
  );
  return failed;
}

async function main() {
  if (!existsSync(fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url)))) {
    console.error('The CLI is not built yet: run `pnpm demo` (it builds first) or `pnpm build`.');
    process.exit(1);
  }
  const { startEmulator } = await import('@lium/emulator');
  const emulator = await startEmulator({ executors: 60, readyDelayMs: 1_000 });
  console.log(
    `${bold('Lium demo')} ${dim(`— emulator at ${emulator.baseUrl}, throwaway HOME, the built lium binary`)}`,
  );
  let failed = 1;
  try {
    failed = await runWorkflow({ baseUrl: emulator.baseUrl, apiKey: emulator.apiKey });
  } finally {
    await emulator.close();
  }
  process.exit(failed === 0 ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
