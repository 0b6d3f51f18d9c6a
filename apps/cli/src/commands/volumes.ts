import type { VolumeInfo } from '@lium/sdk';
import type { Argv, InferredOptionTypes } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError } from '../errors.ts';
import { errorJson } from '../handle-error.ts';
import { options, text } from '../options.ts';
import { listLabels, plural } from '../pods.ts';

/** A volume as `--json` shows it (the same fields in every volumes subcommand). */
export function volumeJson(volume: VolumeInfo, index?: number): Record<string, unknown> {
  return {
    index,
    id: volume.id,
    huid: volume.huid,
    name: volume.name,
    description: volume.description,
    size_gb: volume.sizeGb,
    file_count: volume.fileCount,
    created_at: volume.createdAt ?? null,
  };
}

function volumeLabel(volume: VolumeInfo): string {
  return volume.name ? `${volume.huid} (${volume.name})` : volume.huid;
}

async function listVolumes(ctx: CommandContext): Promise<void> {
  const { writeVolumeSnapshot } = await import('@lium/sdk');
  const lium = await ctx.lium();
  const volumes = await lium.listVolumes({ signal: ctx.signal });
  const { configDir } = await lium.getSettings();
  await writeVolumeSnapshot(configDir, volumes);
  ctx.out.result(
    volumes.map((volume, i) => ({ volume, index: i + 1 })),
    {
      json: ({ volume, index }) => volumeJson(volume, index),
      columns: [
        { header: '#', align: 'right', cell: ({ index }) => String(index) },
        { header: 'HUID', cell: ({ volume }) => volume.huid },
        { header: 'NAME', cell: ({ volume }) => volume.name },
        { header: 'SIZE', align: 'right', cell: ({ volume }) => `${volume.sizeGb} GB` },
        { header: 'FILES', align: 'right', cell: ({ volume }) => String(volume.fileCount) },
        { header: 'DESCRIPTION', cell: ({ volume }, c) => c.dim(volume.description) },
      ],
      empty: { message: 'No volumes. Create one with `lium volumes new NAME`.' },
      footer: 'The index is what `lium volumes rm` and `lium reboot --volume-id` accept.',
    },
  );
}

const VOLUME_OPTIONS = options({ desc: text('With new: a description', { alias: 'd' }) });

/** The root flags plus `--desc`, which `volumes new` reads. */
type VolumesArgs = GlobalArgs & InferredOptionTypes<typeof VOLUME_OPTIONS>;

function subcommands(yargs: Argv<VolumesArgs>, ctx: CommandContext): Argv<VolumesArgs> {
  return yargs
    .command(
      'list',
      'List your volumes',
      (y) => y,
      () => listVolumes(ctx),
    )
    .command(
      'new <name>',
      'Create a volume',
      (y) =>
        y
          .positional('name', { type: 'string', demandOption: true, describe: 'Volume name' })
          .example('lium volumes new data -d "training set"', 'a volume to attach at rent'),
      async (args) => {
        const lium = await ctx.lium();
        const volume = await lium.createVolume(
          { name: args.name, description: args.desc },
          { signal: ctx.signal },
        );
        if (ctx.out.json) ctx.out.printJson(volumeJson(volume));
        else ctx.out.success(`Created volume ${volumeLabel(volume)}`);
      },
    )
    .command(
      'rm <targets>',
      'Delete volumes (index from the last `lium volumes`, HUID, name or id)',
      (y) =>
        y
          .positional('targets', {
            type: 'string',
            demandOption: true,
            describe: 'Volumes: index from `lium volumes`, HUID, name, id, list (1,2), range',
          })
          .example('lium volumes rm 1 -y', 'delete the first volume of `lium volumes`'),
      async (args) => {
        const sdk = await import('@lium/sdk');
        const lium = await ctx.lium();
        const call = { signal: ctx.signal };
        const { configDir } = await lium.getSettings();
        const volumes = sdk.resolveVolumeTargets(
          args.targets,
          await lium.listVolumes(call),
          await sdk.readVolumeSnapshot(configDir),
        );
        await ctx.confirm(
          `Delete ${plural(volumes.length, 'volume')} (${listLabels(volumes.map(volumeLabel))})? Their data is lost.`,
          `delete ${plural(volumes.length, 'volume')}`,
        );
        const outcomes = await Promise.all(
          volumes.map(async (volume) => {
            try {
              await lium.deleteVolume(volume.id, call);
              return { volume, error: undefined };
            } catch (error) {
              return { volume, error: error as Error };
            }
          }),
        );
        const failed = outcomes.filter((o) => o.error);
        const { out } = ctx;
        if (out.json) {
          out.printJson({
            deleted: outcomes.filter((o) => !o.error).map((o) => volumeJson(o.volume)),
            failed: failed.map((o) => ({ ...volumeJson(o.volume), error: errorJson(o.error) })),
          });
          if (failed.length > 0) ctx.exitCode = 1;
          return;
        }
        for (const { volume, error } of outcomes) {
          if (error) out.error(`Could not delete ${volumeLabel(volume)}: ${error.message}`);
          else out.success(`Deleted volume ${volumeLabel(volume)}`);
        }
        if (failed.length > 0) {
          throw new CliError(`${plural(failed.length, 'volume')} could not be deleted`, {
            code: 'delete_failed',
            hint: 'Run `lium volumes` to see what is left, then try again.',
          });
        }
      },
    );
}

export default defineCommand({
  builder: (yargs, ctx) =>
    // Declared here, not on `new` alone, so completion and `--help` of `volumes` show it.
    subcommands(yargs.options(VOLUME_OPTIONS), ctx)
      .example('lium volumes', 'list your volumes (the index is what rm accepts)')
      .example('lium volumes new data', 'create one'),
  async handler(_args, ctx) {
    // `lium volumes` alone lists, like `lium volumes list`.
    await listVolumes(ctx);
  },
});
