import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { RouteFaultSpec } from './control/faults.ts';
import { type Emulator, type EmulatorOptions, startEmulator } from './emulator.ts';
import { EmulatorError } from './errors.ts';
import { opensshPodsUnavailable, POD_SSH_SERVERS, SANDBOX_MODES } from './pods/index.ts';

const USAGE = `Usage: lium-emulator [options]

A local Lium API (under /api) whose pods are real SSH servers on this machine.
Prints LIUM_BASE_URL=… LIUM_API_KEY=… and runs until SIGINT/SIGTERM.

Options:
  --port N             API port (default 0 = a free port)
  --host ADDR          listen address for the API and the pods (default 127.0.0.1)
  --seed N             marketplace seed (default 1)
  --executors N        number of executors (default 300)
  --ready-delay MS     PENDING → RUNNING delay in ms (default 3000)
  --balance USD        starting balance (default 10000)
  --state DIR          keep pods, volumes, keys and templates in DIR across restarts
  --api-key KEY        accepted API key (repeatable; default: env LIUM_EMULATOR_API_KEY, else random)
  --sandbox MODE       auto | bwrap | unshare | none (default auto: bwrap, else unshare;
                       none runs pod commands unsandboxed on this machine)
  --pod-ssh SERVER     ssh2 | openssh (default ssh2): openssh runs a real OpenSSH sshd
                       per pod, as lium.io does (needs root and openssh-server)
  --write-env PATH     also write LIUM_BASE_URL, LIUM_API_KEY, LIUM_EMULATOR_CONTROL_URL to PATH
  --fault JSON         inject a route fault at start (repeatable), e.g.
                       '{"method":"POST","path":"/executors/*/rent","status":503,"times":2}'
  --fail-rents N       the first N rents end in CREATION_FAILED
  -h, --help           show this help
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM (the bin wires it); the emulator then closes. */
  signal: AbortSignal;
}

/** Runs the emulator until `io.signal` aborts. Resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: EmulatorOptions;
  let faults: RouteFaultSpec[];
  let failRents: number;
  let envFile: string | undefined;
  try {
    const parsed = parseCliArgs(argv, io.env);
    if (parsed === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    ({ options, faults, failRents, envFile } = parsed);
  } catch (error) {
    io.stderr(
      `lium-emulator: ${(error as Error).message}\n${error instanceof EmulatorError && error.hint ? `${error.hint}\n` : ''}`,
    );
    return 2;
  }

  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    const hint = error instanceof EmulatorError && error.hint ? `\n${error.hint}` : '';
    io.stderr(`lium-emulator: ${(error as Error).message}${hint}\n`);
    return 1;
  }
  try {
    for (const fault of faults) emulator.control.addFault(fault);
  } catch (error) {
    await emulator.close();
    io.stderr(`lium-emulator: ${(error as Error).message}\n`);
    return 2;
  }
  if (failRents > 0) emulator.control.failNextRents(failRents);
  if (envFile !== undefined) {
    // Written to a temp file and renamed, so a script polling for it never reads half of it.
    const temp = `${envFile}.${process.pid}.tmp`;
    writeFileSync(
      temp,
      `LIUM_BASE_URL=${emulator.baseUrl}\nLIUM_API_KEY=${emulator.apiKey}\nLIUM_EMULATOR_CONTROL_URL=${emulator.controlUrl}\n`,
      { mode: 0o600 },
    );
    renameSync(temp, envFile);
  }
  io.stdout(`LIUM_BASE_URL=${emulator.baseUrl} LIUM_API_KEY=${emulator.apiKey}\n`);
  io.stderr(
    `lium-emulator: listening; control API at ${emulator.controlUrl}${options.stateDir ? `, state in ${options.stateDir}` : ''}. Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.close();
  io.stderr('lium-emulator: stopped; every pod server is closed.\n');
  return 0;
}

interface ParsedCli {
  options: EmulatorOptions;
  faults: RouteFaultSpec[];
  failRents: number;
  envFile: string | undefined;
}

function parseCliArgs(argv: readonly string[], env: CliIo['env']): ParsedCli | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      executors: { type: 'string' },
      'ready-delay': { type: 'string' },
      balance: { type: 'string' },
      state: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      sandbox: { type: 'string' },
      'pod-ssh': { type: 'string' },
      'write-env': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'fail-rents': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const options: EmulatorOptions = { readyDelayMs: 3000 };
  const int = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw usage(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const port = int('port', values.port, 0);
  if (port !== undefined) options.port = port;
  if (values.host !== undefined) options.host = values.host;
  const seed = int('seed', values.seed, 0);
  if (seed !== undefined) options.seed = seed;
  const executors = int('executors', values.executors, 1);
  if (executors !== undefined) options.executors = executors;
  const readyDelay = int('ready-delay', values['ready-delay'], 0);
  if (readyDelay !== undefined) options.readyDelayMs = readyDelay;
  if (values.balance !== undefined) {
    const balance = Number(values.balance);
    if (!Number.isFinite(balance)) throw usage('--balance must be a number of USD');
    options.balance = balance;
  }
  if (values.state !== undefined) options.stateDir = values.state;
  const keys = values['api-key'] ?? (env.LIUM_EMULATOR_API_KEY ? [env.LIUM_EMULATOR_API_KEY] : []);
  if (keys.length > 0) options.apiKeys = keys;
  if (values.sandbox !== undefined) {
    const mode = SANDBOX_MODES.find((m) => m === values.sandbox);
    if (mode === undefined) throw usage('--sandbox must be auto, bwrap, unshare or none');
    options.sandbox = mode;
  }
  if (values['pod-ssh'] !== undefined) {
    const server = POD_SSH_SERVERS.find((s) => s === values['pod-ssh']);
    if (server === undefined) throw usage('--pod-ssh must be ssh2 or openssh');
    const why = server === 'openssh' ? opensshPodsUnavailable() : undefined;
    if (why !== undefined) {
      throw new EmulatorError(`--pod-ssh openssh: ${why}`, {
        code: 'usage',
        hint: 'Install openssh-server and run as root, or leave out --pod-ssh.',
      });
    }
    options.podSsh = server;
  }
  const faults = (values.fault ?? []).map((text) => {
    try {
      return JSON.parse(text) as RouteFaultSpec;
    } catch {
      throw usage(`--fault is not JSON: ${text}`);
    }
  });
  return {
    options,
    faults,
    failRents: int('fail-rents', values['fail-rents'], 0) ?? 0,
    envFile: values['write-env'],
  };
}

function usage(message: string): EmulatorError {
  return new EmulatorError(message, {
    code: 'usage',
    hint: 'Run lium-emulator --help for the options.',
  });
}

/** Entry point of the `lium-emulator` bin. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    signal: controller.signal,
  });
  process.exitCode = code;
}
