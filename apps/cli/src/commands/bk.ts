import type { LiumAPIClient } from '@lium/api';
import type { BackupLogInfo, Lium, OperationProgress, PodInfo, RestoreLogInfo } from '@lium/sdk';
import type { Argv, InferredOptionTypes } from 'yargs';
import {
  BACKUP_RUN_COLUMNS,
  backupConfigJson,
  backupRunJson,
  describeConfig,
  describeProgress,
  RESTORE_RUN_COLUMNS,
  type RunRow,
  restoreRunJson,
  when,
} from '../backup-views.ts';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { ONE_POD, requireRunning, resolveOnePod } from '../one-pod.ts';
import { flag, options, text } from '../options.ts';
import type { Spinner } from '../output/output.ts';
import { podLabel } from '../pods.ts';

const BK_OPTIONS = options({
  path: text('With set: the directory of the pod to back up (default /root)'),
  every: text('With set: time between backups (6h, 1d, 1w; default 6h)'),
  keep: text('With set: how long each backup is kept (7d, 2w; default 7d)'),
  name: text("With now: the backup's name (default manual-<time>)", { alias: 'n' }),
  desc: text('With now: a description', { alias: 'd' }),
  id: text(
    'With restore: the backup to restore (an id from `lium bk logs`); with logs, restore-logs: show only that one',
  ),
  to: text('With restore: the directory of the pod to restore into (default /root)'),
  wait: flag('With now, restore: wait until it is done (--no-wait to return at once)', {
    default: true,
  }),
  'wait-timeout': text('With now, restore: stop waiting after this long (30m, 90s)', {
    default: '30m',
  }),
});

/** The root flags plus the `bk` flags, which each subcommand reads a part of. */
type BkArgs = GlobalArgs & InferredOptionTypes<typeof BK_OPTIONS>;

interface Session {
  sdk: typeof import('@lium/sdk');
  lium: Lium;
  api: LiumAPIClient;
  call: { signal: AbortSignal };
}

async function session(ctx: CommandContext): Promise<Session> {
  const sdk = await import('@lium/sdk');
  const lium = await ctx.lium();
  return { sdk, lium, api: await lium.getApiClient(), call: { signal: ctx.signal } };
}

async function onePod(ctx: CommandContext, s: Session, target: string, verb: string) {
  return resolveOnePod(s.lium, target, `bk ${verb}`, ctx.signal);
}

/** The pods `bk logs` and `bk restore-logs` read: the one named, else every pod. */
async function podsOf(ctx: CommandContext, s: Session, target: string | undefined, verb: string) {
  return target === undefined ? s.lium.listPods(s.call) : [await onePod(ctx, s, target, verb)];
}

/**
 * Shows a run's progress while waiting: on the spinner on a terminal; elsewhere (CI logs) one
 * line each time the stage changes, so a long backup is not silent and a short one not noisy.
 */
function progressReporter(ctx: CommandContext, spinner: Spinner | undefined, label: string) {
  let lastStage: string | undefined;
  return (progress: OperationProgress) => {
    const line = `${label}: ${describeProgress(progress)}`;
    if (ctx.out.animated) spinner?.update(line);
    else if (spinner && progress.stage !== lastStage) ctx.out.info(ctx.out.c.dim(line));
    lastStage = progress.stage;
  };
}

/** Where an interrupted wait leaves things: the run goes on on the server. */
function stoppedWaiting(
  what: 'backup' | 'restore',
  pod: PodInfo,
  last: OperationProgress | undefined,
): CliInterruptedError {
  const logs = what === 'backup' ? 'bk logs' : 'bk restore-logs';
  return last
    ? new CliInterruptedError(
        `Stopped waiting for the ${what} ${last.id} of ${podLabel(pod)} at ${last.percent}%; it goes on on the server`,
        `See how it ends with \`lium ${logs} ${pod.huid} --id ${last.id}\`.`,
      )
    : new CliInterruptedError(
        `Interrupted before the ${what} of ${podLabel(pod)} reported progress; it may have started`,
        `Check with \`lium ${logs} ${pod.huid}\`.`,
      );
}

/** A backup id that names nothing: which id, and where the ids are. */
function noBackup(id: string, pod: PodInfo | undefined): CliError {
  const command = pod ? `lium bk logs ${pod.huid}` : 'lium bk logs';
  return new CliError(`No backup ${id}`, {
    code: 'target_not_found',
    hint: `The backups are in \`${command}\` (the ID column).`,
  });
}

async function backupLog(s: Session, id: string, pod?: PodInfo): Promise<BackupLogInfo> {
  try {
    return await s.sdk.getBackupRun(s.api, id, s.call);
  } catch (error) {
    const code = (error as CliError).code;
    if (code === 'not_found' || code === 'validation_failed' || code === 'bad_request')
      throw noBackup(id, pod);
    throw error;
  }
}

async function setBackup(ctx: CommandContext, args: BkArgs & { target: string }) {
  const s = await session(ctx);
  const everyHours = args.every === undefined ? undefined : s.sdk.parseBackupEvery(args.every);
  const keepDays = args.keep === undefined ? undefined : s.sdk.parseBackupKeep(args.keep);
  const pod = requireRunning(await onePod(ctx, s, args.target, 'set'), 'bk set');
  const before = (await s.sdk.showBackup(s.api, pod, s.call)).config;
  const config = await s.sdk.setBackup(s.api, pod, {
    path: args.path,
    everyHours,
    keepDays,
    replace: true,
    signal: ctx.signal,
  });
  const { out } = ctx;
  if (out.json) {
    out.printJson({
      pod: pod.huid,
      pod_id: pod.id,
      config: backupConfigJson(config),
      replaced: before !== null,
    });
    return;
  }
  out.success(`Backups of ${podLabel(pod)}: ${describeConfig(config)}`);
  if (before) out.info(out.c.dim(`(replaced: ${describeConfig(before)})`));
  if (config.nextBackupAt)
    out.info(
      out.c.dim(
        `The first one runs ${when(config.nextBackupAt)}; \`lium bk now ${pod.huid}\` runs one at once.`,
      ),
    );
}

async function showBackup(ctx: CommandContext, target: string) {
  const s = await session(ctx);
  const pod = await onePod(ctx, s, target, 'show');
  const shown = await s.sdk.showBackup(s.api, pod, s.call);
  const { config, latest } = shown;
  const { out } = ctx;
  if (out.json) {
    out.printJson({
      pod: pod.huid,
      pod_id: pod.id,
      config: config ? backupConfigJson(config) : null,
      latest: latest ? backupRunJson(latest, pod) : null,
    });
    return;
  }
  if (config) {
    out.print(`${podLabel(pod)}: backups ${describeConfig(config)}`);
    if (config.nextBackupAt) out.print(`Next: ${when(config.nextBackupAt)}`);
  } else {
    out.info(
      `${podLabel(pod)} has no backups configured. \`lium bk set ${pod.huid}\` turns them on.`,
    );
  }
  if (latest) {
    const reason = latest.errorMessage ? `: ${latest.errorMessage}` : '';
    out.print(
      `Latest: ${latest.id} ${latest.status}${reason} (${when(latest.startedAt ?? latest.createdAt)})`,
    );
  }
}

async function backupNow(ctx: CommandContext, args: BkArgs & { target: string }) {
  const s = await session(ctx);
  const timeoutMs = s.sdk.parseDuration(args['wait-timeout'], { seconds: true });
  const pod = requireRunning(await onePod(ctx, s, args.target, 'now'), 'bk now');
  const { out } = ctx;
  const spinner = out.json || !args.wait ? undefined : out.spinner(`Backing up ${podLabel(pod)}`);
  const report = progressReporter(ctx, spinner, `Backing up ${podLabel(pod)}`);
  let last: OperationProgress | undefined;
  let result: { backupLogId: string; log: BackupLogInfo | undefined };
  try {
    const started = await s.sdk.backupNow(s.api, pod, {
      name: args.name,
      description: args.desc,
      wait: args.wait,
      timeoutMs,
      signal: ctx.signal,
      onProgress: (progress) => {
        last = progress;
        report(progress);
      },
    });
    result = started;
  } catch (error) {
    spinner?.fail();
    if (ctx.interrupted) throw stoppedWaiting('backup', pod, last);
    const { code, message } = error as CliError;
    if (code === 'backup_failed' || code === 'backup_timeout') {
      throw new CliError(message, {
        code,
        hint:
          code === 'backup_failed'
            ? `Check that the path exists on the pod (\`lium bk show ${pod.huid}\`), then try again.`
            : `It may still finish: \`lium bk logs ${pod.huid}\` shows how it ends.`,
      });
    }
    throw error;
  }
  spinner?.succeed(`Backed up ${podLabel(pod)}: backup ${result.backupLogId}`);
  if (out.json) {
    out.printJson({
      pod: pod.huid,
      pod_id: pod.id,
      backup_id: result.backupLogId,
      backup: result.log ? backupRunJson(result.log, pod) : null,
    });
  } else if (!args.wait) {
    out.success(`Started backup ${result.backupLogId} of ${podLabel(pod)}`);
    out.info(out.c.dim(`\`lium bk logs ${pod.huid}\` shows how it goes.`));
  } else {
    out.info(
      out.c.dim(`Restore it with \`lium bk restore ${pod.huid} --id ${result.backupLogId}\`.`),
    );
  }
}

async function backupLogs(ctx: CommandContext, args: BkArgs & { target: string | undefined }) {
  const s = await session(ctx);
  let rows: RunRow<BackupLogInfo>[];
  if (args.id !== undefined) {
    const pod = args.target === undefined ? undefined : await onePod(ctx, s, args.target, 'logs');
    const log = await backupLog(s, args.id, pod);
    const owner = pod ?? (await s.lium.listPods(s.call)).find((p) => p.id === log.podId);
    rows = [{ log, pod: owner }];
  } else {
    const pods = await podsOf(ctx, s, args.target, 'logs');
    const perPod = await Promise.all(
      pods.map(async (pod) =>
        (await s.sdk.listBackupRuns(s.api, pod, s.call)).map((log) => ({ log, pod })),
      ),
    );
    rows = perPod.flat();
  }
  ctx.out.result(rows, {
    json: ({ log, pod }) => backupRunJson(log, pod),
    columns: BACKUP_RUN_COLUMNS,
    empty: {
      message: args.target === undefined ? 'No backups yet.' : 'No backups of this pod yet.',
      hint: 'Run one with `lium bk now TARGET`, or schedule them with `lium bk set TARGET`.',
    },
    footer: 'Restore one with `lium bk restore TARGET --id ID`.',
  });
}

async function restore(ctx: CommandContext, args: BkArgs & { target: string }) {
  const s = await session(ctx);
  const timeoutMs = s.sdk.parseDuration(args['wait-timeout'], { seconds: true });
  if (args.id === undefined) {
    throw new CliUsageError(
      'Name the backup to restore with --id',
      'The ids are in `lium bk logs TARGET` (the ID column).',
    );
  }
  const pod = requireRunning(await onePod(ctx, s, args.target, 'restore'), 'bk restore');
  const backup = await backupLog(s, args.id, pod);
  const to = args.to ?? '/root';
  await ctx.confirm(
    `Restore backup ${backup.id}${backup.name !== undefined ? ` (${backup.name})` : ''} into ${podLabel(pod)}:${to}? Files there with the same names are overwritten.`,
    'restore a backup',
  );
  const { out } = ctx;
  const spinner =
    out.json || !args.wait ? undefined : out.spinner(`Restoring into ${podLabel(pod)}`);
  const report = progressReporter(ctx, spinner, `Restoring into ${podLabel(pod)}`);
  let last: OperationProgress | undefined;
  let result: { restoreLogId: string; log: RestoreLogInfo | undefined };
  try {
    const started = await s.sdk.restoreBackup(s.api, pod, {
      backupId: backup.id,
      to,
      wait: args.wait,
      timeoutMs,
      signal: ctx.signal,
      onProgress: (progress) => {
        last = progress;
        report(progress);
      },
    });
    result = started;
  } catch (error) {
    spinner?.fail();
    if (ctx.interrupted) throw stoppedWaiting('restore', pod, last);
    throw error;
  }
  spinner?.succeed(`Restored backup ${backup.id} into ${podLabel(pod)}:${to}`);
  if (out.json) {
    out.printJson({
      pod: pod.huid,
      pod_id: pod.id,
      backup_id: backup.id,
      restore_id: result.restoreLogId,
      restore: result.log ? restoreRunJson(result.log, pod) : null,
    });
  } else if (!args.wait) {
    out.success(`Started restore ${result.restoreLogId} into ${podLabel(pod)}:${to}`);
    out.info(out.c.dim(`\`lium bk restore-logs ${pod.huid}\` shows how it goes.`));
  }
}

async function restoreLogs(ctx: CommandContext, args: BkArgs & { target: string | undefined }) {
  const s = await session(ctx);
  const pods = await podsOf(ctx, s, args.target, 'restore-logs');
  const perPod = await Promise.all(
    pods.map(async (pod) =>
      (await s.sdk.listRestoreRuns(s.api, pod, s.call)).map((log) => ({ log, pod })),
    ),
  );
  let rows: RunRow<RestoreLogInfo>[] = perPod.flat();
  if (args.id !== undefined) {
    const id = args.id.toLowerCase();
    rows = rows.filter(({ log }) => log.id === id || log.backupId === id);
    if (rows.length === 0) {
      throw new CliError(`No restore ${args.id}`, {
        code: 'target_not_found',
        hint: `The restores are in \`${args.target ? `lium bk restore-logs ${args.target}` : 'lium bk restore-logs'}\` (the ID column).`,
      });
    }
  }
  ctx.out.result(rows, {
    json: ({ log, pod }) => restoreRunJson(log, pod),
    columns: RESTORE_RUN_COLUMNS,
    empty: {
      message: args.target === undefined ? 'No restores yet.' : 'No restores into this pod yet.',
      hint: 'Restore a backup with `lium bk restore TARGET --id ID`.',
    },
  });
}

async function removeBackup(ctx: CommandContext, target: string) {
  const s = await session(ctx);
  const pod = await onePod(ctx, s, target, 'rm');
  const { config } = await s.sdk.showBackup(s.api, pod, s.call);
  const { out } = ctx;
  if (!config) {
    if (out.json) out.printJson({ pod: pod.huid, pod_id: pod.id, removed: false });
    else out.info(`${podLabel(pod)} has no backups configured; nothing to remove.`);
    return;
  }
  await ctx.confirm(
    `Turn off backups of ${podLabel(pod)} (${describeConfig(config)})? No new backups are made.`,
    'turn off backups',
  );
  const removed = await s.sdk.removeBackup(s.api, pod, s.call);
  if (out.json) out.printJson({ pod: pod.huid, pod_id: pod.id, removed });
  else out.success(`Turned off backups of ${podLabel(pod)}`);
}

/** `bk logs` and `bk restore-logs` read every pod without one. */
const ANY_POD = { type: 'string', describe: ONE_POD.describe } as const;

function subcommands(yargs: Argv<BkArgs>, ctx: CommandContext): Argv<BkArgs> {
  return yargs
    .command(
      'set <target>',
      'Back up a directory of the pod periodically (--path, --every, --keep)',
      (y) =>
        y
          .positional('target', ONE_POD)
          .example('lium bk set 1 --path /root/data --every 12h --keep 14d', 'twice a day'),
      (args) => setBackup(ctx, args),
    )
    .command(
      'show <target>',
      "The pod's backup configuration and its latest backup",
      (y) => y.positional('target', ONE_POD),
      (args) => showBackup(ctx, args.target),
    )
    .command(
      'now <target>',
      'Back up now and wait until it is done (-n NAME, -d TEXT, --no-wait)',
      (y) =>
        y
          .positional('target', ONE_POD)
          .example('lium bk now 1 -n before-upgrade', 'a named backup'),
      (args) => backupNow(ctx, args),
    )
    .command(
      'logs [target]',
      'Backups of one pod, or of every pod (--id ID for one)',
      (y) => y.positional('target', ANY_POD),
      (args) => backupLogs(ctx, args),
    )
    .command(
      'restore <target>',
      'Restore a backup into the pod and wait until it is done (--id BACKUP_ID, --to PATH)',
      (y) =>
        y
          .positional('target', ONE_POD)
          .example('lium bk restore 1 --id <backup id> --to /root/restored', 'asks first'),
      (args) => restore(ctx, args),
    )
    .command(
      'restore-logs [target]',
      'Restores into one pod, or into every pod (--id ID for one)',
      (y) => y.positional('target', ANY_POD),
      (args) => restoreLogs(ctx, args),
    )
    .command(
      'rm <target>',
      'Turn off backups of the pod (asks first)',
      (y) => y.positional('target', ONE_POD),
      (args) => removeBackup(ctx, args.target),
    )
    .demandCommand(1, 'Name what to do: set, show, now, logs, restore, restore-logs or rm');
}

export default defineCommand({
  builder: (yargs, ctx) =>
    // Declared here, not on each subcommand, so completion and `--help` of `bk` show them.
    subcommands(yargs.options(BK_OPTIONS), ctx)
      .example('lium bk set 1', 'back up /root of the first pod every 6 h, kept 7 days')
      .example('lium bk now 1', 'back up now, with progress')
      .example('lium bk restore 1 --id <id>', 'restore it'),
  async handler() {
    // yargs runs a subcommand's handler; demandCommand answers `lium bk` alone.
  },
});
