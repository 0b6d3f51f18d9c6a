import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorError } from '../errors.ts';
import type {
  BackupConfig,
  BackupLog,
  DockerCredential,
  IdempotencyEntry,
  PersistedState,
  PodRecord,
  RestoreLog,
  SshKey,
  TemplateRecord,
  User,
  Volume,
} from './types.ts';

/**
 * Everything the emulated account owns, in memory, optionally mirrored to `<stateDir>/state.json`
 * (written atomically a moment after each change, and on close) so pods and volumes survive a
 * restart of the emulator.
 */
export class Store {
  readonly seed: number;
  readonly executorCount: number;
  readonly user: User;
  balance: number;
  generatedApiKey: string | undefined;
  readonly rentedExecutorIds = new Set<string>();
  readonly pods = new Map<string, PodRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  readonly sshKeys = new Map<string, SshKey>();
  readonly volumes = new Map<string, Volume>();
  readonly backupConfigs = new Map<string, BackupConfig>();
  readonly backupLogs = new Map<string, BackupLog>();
  readonly restoreLogs = new Map<string, RestoreLog>();
  readonly dockerCredentials = new Map<string, DockerCredential>();
  readonly idempotency = new Map<string, IdempotencyEntry>();
  private readonly file: string | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(init: PersistedState, stateDir: string | undefined) {
    this.seed = init.seed;
    this.executorCount = init.executorCount;
    this.user = init.user;
    this.balance = init.balance;
    this.generatedApiKey = init.generatedApiKey;
    for (const id of init.rentedExecutorIds) this.rentedExecutorIds.add(id);
    fill(this.pods, init.pods, (p) => p.id);
    fill(this.templates, init.templates, (t) => t.template.id);
    fill(this.sshKeys, init.sshKeys, (k) => k.id);
    fill(this.volumes, init.volumes, (v) => v.id);
    fill(this.backupConfigs, init.backupConfigs, (c) => c.id);
    fill(this.backupLogs, init.backupLogs, (l) => l.id);
    fill(this.restoreLogs, init.restoreLogs, (l) => l.id);
    fill(this.dockerCredentials, init.dockerCredentials, (c) => c.id);
    for (const [key, entry] of Object.entries(init.idempotency)) this.idempotency.set(key, entry);
    this.file = stateDir === undefined ? undefined : join(stateDir, 'state.json');
  }

  /** Reads `<stateDir>/state.json`, or returns undefined when there is none yet. */
  static load(stateDir: string): PersistedState | undefined {
    const file = join(stateDir, 'state.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EmulatorError(`Cannot read emulator state ${file}`, {
        code: 'state_unreadable',
        hint: 'Check the permissions of the --state directory.',
        cause: error,
      });
    }
    try {
      const parsed = JSON.parse(text) as PersistedState;
      if (parsed.version !== 1) throw new Error(`unknown state version ${String(parsed.version)}`);
      return parsed;
    } catch (error) {
      throw new EmulatorError(`Emulator state ${file} is not valid`, {
        code: 'state_invalid',
        hint: 'Remove the file (or the --state directory) to start from a fresh account.',
        cause: error,
      });
    }
  }

  /** Schedules a write of the state file (no-op without a state dir). */
  changed(): void {
    if (this.file === undefined || this.closed || this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush();
    }, 50);
  }

  /** Writes the state file now (temp file + rename, so a crash never leaves half a file). */
  flush(): void {
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    if (this.file === undefined) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  /** Writes the state file one last time; later changes are not saved. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  snapshot(): PersistedState {
    return {
      version: 1,
      seed: this.seed,
      executorCount: this.executorCount,
      user: this.user,
      balance: this.balance,
      rentedExecutorIds: [...this.rentedExecutorIds],
      pods: [...this.pods.values()],
      templates: [...this.templates.values()],
      sshKeys: [...this.sshKeys.values()],
      volumes: [...this.volumes.values()],
      backupConfigs: [...this.backupConfigs.values()],
      backupLogs: [...this.backupLogs.values()],
      restoreLogs: [...this.restoreLogs.values()],
      dockerCredentials: [...this.dockerCredentials.values()],
      idempotency: Object.fromEntries(this.idempotency),
      ...(this.generatedApiKey === undefined ? {} : { generatedApiKey: this.generatedApiKey }),
    };
  }
}

function fill<T>(map: Map<string, T>, items: readonly T[], key: (item: T) => string): void {
  for (const item of items) map.set(key(item), item);
}
