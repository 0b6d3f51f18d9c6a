import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, type EmulatorOptions, startEmulator } from '@lium/emulator';
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
