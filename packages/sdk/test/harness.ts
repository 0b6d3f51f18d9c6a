import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, type EmulatorOptions, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll } from 'vitest';
import { Lium, type LiumOptions } from '../src/index.ts';

export interface Harness {
  emu: Emulator;
  /** Scratch directory of this harness (keys, config dir, files). */
  dir: string;
  configDir: string;
  keyPath: string;
  /** A second key, unknown to the account until a test registers it. */
  extraKeyPath: string;
  /** A Lium wired to the emulator, fast polling, isolated from the user's ~/.lium and env. */
  newLium(overrides?: LiumOptions): Lium;
  close(): Promise<void>;
}

/** Starts an emulator and makes an SSH key and a config directory for Lium instances. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ readyDelayMs: 150, executors: 80, seed: 7, ...options });
  const dir = await mkdtemp(join(tmpdir(), 'lium-sdk-e2e-'));
  const keyPath = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sdk-test', '-f', keyPath]);
  const extraKeyPath = join(dir, 'id_extra');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'sdk-extra',
    '-f',
    extraKeyPath,
  ]);
  const configDir = join(dir, 'lium');
  const opened: Lium[] = [];
  return {
    emu,
    dir,
    configDir,
    keyPath,
    extraKeyPath,
    newLium(overrides = {}) {
      const lium = new Lium({
        apiKey: emu.apiKey,
        baseUrl: emu.baseUrl,
        configDir,
        sshKeyPath: keyPath,
        env: {},
        homeDir: dir,
        shellPid: 4242,
        pollIntervalMs: 50,
        maxPollIntervalMs: 250,
        api: { retryBaseDelayMs: 5 },
        ...overrides,
      });
      opened.push(lium);
      return lium;
    },
    async close() {
      await Promise.all(opened.map((lium) => lium.close()));
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The one emulator fixture of the SDK's tests: call it at the top of a file (or describe) and it
 * starts a harness before the file's other `beforeAll` hooks and closes it after its tests. The
 * returned object reads through to that harness, so it is usable in any hook or test.
 */
export function useEmulator(options: EmulatorOptions = {}): Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
  });
  const started = (): Harness => {
    if (!harness)
      throw new Error('useEmulator(): the emulator starts in beforeAll; use it there or in a test');
    return harness;
  };
  return {
    get emu() {
      return started().emu;
    },
    get dir() {
      return started().dir;
    },
    get configDir() {
      return started().configDir;
    },
    get keyPath() {
      return started().keyPath;
    },
    get extraKeyPath() {
      return started().extraKeyPath;
    },
    newLium: (overrides) => started().newLium(overrides),
    close: () => started().close(),
  };
}
