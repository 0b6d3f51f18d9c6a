import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { type Emulator, type EmulatorOptions, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll } from 'vitest';
import { CommandContext } from '../src/context.ts';
import type { CliIO } from '../src/io.ts';
import { run } from '../src/main.ts';
import { Output } from '../src/output/output.ts';

/** A writable that records what was written and can pretend to be a terminal. */
export class CaptureStream extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY: boolean;
  columns = 120;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  tty?: boolean;
  cwd?: string;
  signal?: AbortSignal;
  stdin?: string;
}

/** Runs `lium` in-process with capture streams. */
export async function runLium(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = new CaptureStream(options.tty ?? false);
  const stderr = new CaptureStream(options.tty ?? false);
  const stdin = new PassThrough() as PassThrough & {
    isTTY?: boolean;
    setRawMode?: (mode: boolean) => unknown;
  };
  stdin.isTTY = options.tty ?? false;
  if (options.tty) stdin.setRawMode = () => stdin;
  if (options.tty && options.stdin !== undefined) {
    // A person types after the prompt appears, not before: feed the keys a little later.
    const keys = options.stdin;
    setTimeout(() => stdin.end(keys), 300);
  } else {
    stdin.end(options.stdin ?? '');
  }
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface Sandbox {
  dir: string;
  home: string;
  configDir: string;
  keyPath: string;
  /** The environment a user of this sandbox has (no API settings). */
  env: Record<string, string>;
  cleanup(): void;
}

/** A temp HOME with an ed25519 key and an empty config dir. */
export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'lium-cli-'));
  const home = join(dir, 'home');
  const configDir = join(home, '.lium');
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  const keyPath = join(sshDir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lium-test', '-f', keyPath]);
  return {
    dir,
    home,
    configDir,
    keyPath,
    env: { HOME: home, LIUM_CONFIG_DIR: configDir, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI detection is the point
export const ANSI = /\u001b\[/;

export interface EmulatorWorld {
  readonly emulator: Emulator;
  readonly sandbox: Sandbox;
  /** The sandbox's environment pointed at the emulator (API key and base URL set). */
  readonly env: Record<string, string>;
  /** `lium` in-process in the sandbox directory; `options.env` adds to (or overrides) `env`. */
  lium(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** How many rent requests (`POST /executors/{id}/rent`) the emulator has answered so far. */
  rents(): number;
}

/** Starts an emulator and a sandbox for the enclosing describe block, and stops them after. */
export function useEmulatorWorld(options: EmulatorOptions = {}): EmulatorWorld {
  let emulator: Emulator | undefined;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
    sandbox = makeSandbox();
  });
  afterAll(async () => {
    await emulator?.close();
    sandbox?.cleanup();
  });
  const started = () => {
    if (!emulator || !sandbox)
      throw new Error('the emulator world is used outside its describe block');
    return { emulator, sandbox };
  };
  const world: EmulatorWorld = {
    get emulator() {
      return started().emulator;
    },
    get sandbox() {
      return started().sandbox;
    },
    get env() {
      const { emulator, sandbox } = started();
      return { ...sandbox.env, LIUM_API_KEY: emulator.apiKey, LIUM_BASE_URL: emulator.baseUrl };
    },
    lium: (argv, runOptions = {}) =>
      runLium(argv, {
        cwd: started().sandbox.dir,
        ...runOptions,
        env: { ...world.env, ...runOptions.env },
      }),
    rents: () =>
      started().emulator.control.requests({ method: 'POST', path: '/executors/*/rent' }).length,
  };
  return world;
}

/** Resolves once `condition` holds (checked every 25 ms); throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A CommandContext with no emulator and no terminal, for tests that only ask the registry and
 * the option builders (options, fuzz, mentioned-commands): output goes to a throwaway stream.
 */
export function bareContext(): CommandContext {
  const stream = new CaptureStream();
  const out = new Output({
    stdout: stream,
    stderr: stream,
    json: false,
    colorStdout: false,
    colorStderr: false,
    animate: false,
    debug: false,
  });
  return new CommandContext(
    { stdout: stream, stderr: stream, stdin: process.stdin, env: {}, cwd: process.cwd() },
    out,
    {
      json: false,
      debug: false,
      yes: false,
      color: undefined,
      apiKey: undefined,
      profile: undefined,
    },
  );
}
