import { BackupConfigSchema, BackupLogSchema, PodSchema, RestoreLogSchema } from '@lium/api';
import { toBackupConfigInfo, toBackupLogInfo, toPodInfo, toRestoreLogInfo } from '@lium/sdk';
import { describe, expect, it } from 'vitest';
import { backupConfigJson, backupRunJson, restoreRunJson } from './backup-views.ts';

/** A wire value through its `@lium/api` schema (Standard Schema, so no valibot import here). */
function wire<S extends { '~standard': { validate(value: unknown): unknown } }>(
  schema: S,
  value: Record<string, unknown>,
): S extends { '~standard': { types?: { output: infer O } } } ? NonNullable<O> : never {
  const result = schema['~standard'].validate(value) as { value?: unknown; issues?: unknown };
  if (result.issues !== undefined)
    throw new Error(`fixture breaks its schema: ${JSON.stringify(result.issues)}`);
  return result.value as never;
}

const pod = toPodInfo(wire(PodSchema, { id: 'p1', pod_name: 'keeper', status: 'RUNNING' }));
const backup = toBackupLogInfo(
  wire(BackupLogSchema, {
    id: 'b1',
    backup_config_id: 'c1',
    pod_id: 'p1',
    name: 'first',
    description: 'before the change',
    backup_path: '/root/data',
    status: 'completed',
    stage: 'done',
    progress: 100,
    started_at: '2026-12-01T10:00:00Z',
    completed_at: '2026-12-01T10:01:00Z',
    error_message: null,
    backup_volume_id: 'vol',
    total_files: 3,
    processed_files: 3,
    total_bytes: 1234,
    processed_bytes: 1234,
    created_at: '2026-12-01T10:00:00Z',
  }),
);
const bareBackup = toBackupLogInfo(wire(BackupLogSchema, { id: 'b2' }));
const restore = toRestoreLogInfo(
  wire(RestoreLogSchema, {
    id: 'r1',
    backup_id: 'b1',
    pod_id: 'p1',
    restore_path: '/root/restored',
    logs: ['a', 'b'],
    status: 'SUCCESS',
    progress: 55.5,
    stage: 'copy',
    started_at: 's',
    completed_at: null,
    error_message: 'oops',
    created_at: 'c',
  }),
);

// The documented `--json` shapes of `lium bk` (apps/cli/README.md), byte for byte: field order,
// nulls for what the server did not send. These strings are what the renderers printed when they
// still read the wire records; the move onto the SDK models must not change one byte.
describe('lium bk --json fields', () => {
  it('a backup run, with and without its pod, and one the server said almost nothing about', () => {
    expect(JSON.stringify(backupRunJson(backup, pod))).toBe(
      '{"id":"b1","pod_id":"p1","pod":"proud-vector-dc","name":"first","description":"before the change","path":"/root/data","status":"COMPLETED","stage":"done","progress":100,"started_at":"2026-12-01T10:00:00Z","completed_at":"2026-12-01T10:01:00Z","error":null,"total_bytes":1234,"total_files":3,"created_at":"2026-12-01T10:00:00Z"}',
    );
    expect(JSON.stringify(backupRunJson(backup))).toBe(
      '{"id":"b1","pod_id":"p1","pod":null,"name":"first","description":"before the change","path":"/root/data","status":"COMPLETED","stage":"done","progress":100,"started_at":"2026-12-01T10:00:00Z","completed_at":"2026-12-01T10:01:00Z","error":null,"total_bytes":1234,"total_files":3,"created_at":"2026-12-01T10:00:00Z"}',
    );
    expect(JSON.stringify(backupRunJson(bareBackup))).toBe(
      '{"id":"b2","pod_id":null,"pod":null,"name":null,"description":null,"path":null,"status":"PENDING","stage":null,"progress":0,"started_at":null,"completed_at":null,"error":null,"total_bytes":null,"total_files":null,"created_at":null}',
    );
    expect(JSON.stringify(backupRunJson(bareBackup, pod))).toBe(
      '{"id":"b2","pod_id":"p1","pod":"proud-vector-dc","name":null,"description":null,"path":null,"status":"PENDING","stage":null,"progress":0,"started_at":null,"completed_at":null,"error":null,"total_bytes":null,"total_files":null,"created_at":null}',
    );
  });

  it('a backup configuration', () => {
    const config = wire(BackupConfigSchema, {
      id: 'c1',
      pod_id: 'p1',
      pod_executor_id: 'e1',
      backup_frequency_hours: 12,
      retention_days: 14,
      backup_path: '/root/data',
      is_active: true,
      next_backup_at: '2026-12-01T22:00:00Z',
      created_at: '2026-12-01T10:00:00Z',
      updated_at: '2026-12-01T10:00:00Z',
    });
    expect(JSON.stringify(backupConfigJson(toBackupConfigInfo(config)))).toBe(
      '{"id":"c1","pod_id":"p1","path":"/root/data","every_hours":12,"keep_days":14,"active":true,"next_backup_at":"2026-12-01T22:00:00Z","created_at":"2026-12-01T10:00:00Z"}',
    );
    const bare = toBackupConfigInfo(wire(BackupConfigSchema, { id: 'c2' }));
    expect(JSON.stringify(backupConfigJson(bare))).toBe(
      '{"id":"c2","pod_id":null,"path":null,"every_hours":null,"keep_days":null,"active":null,"next_backup_at":null,"created_at":null}',
    );
  });

  it('a restore run', () => {
    expect(JSON.stringify(restoreRunJson(restore, pod))).toBe(
      '{"id":"r1","pod_id":"p1","pod":"proud-vector-dc","backup_id":"b1","path":"/root/restored","status":"SUCCESS","stage":"copy","progress":55.5,"started_at":"s","completed_at":null,"error":"oops","log":["a","b"],"created_at":"c"}',
    );
    expect(JSON.stringify(restoreRunJson(restore))).toBe(
      '{"id":"r1","pod_id":"p1","pod":null,"backup_id":"b1","path":"/root/restored","status":"SUCCESS","stage":"copy","progress":55.5,"started_at":"s","completed_at":null,"error":"oops","log":["a","b"],"created_at":"c"}',
    );
    const bare = toRestoreLogInfo(wire(RestoreLogSchema, { id: 'r2' }));
    expect(JSON.stringify(restoreRunJson(bare))).toBe(
      '{"id":"r2","pod_id":null,"pod":null,"backup_id":null,"path":null,"status":"PENDING","stage":null,"progress":0,"started_at":null,"completed_at":null,"error":null,"log":[],"created_at":null}',
    );
  });
});
