import { isLiumError } from '@lium/errors';
import type { TemplateInfo } from '@lium/sdk';
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { echo, options, repeatable, text } from '../options.ts';
import { templateRow } from '../rows.ts';

/** A template as `templates new` and `templates rm` show it with `--json`. */
export function templateJson(template: TemplateInfo): Record<string, unknown> {
  const { index: _index, ...row } = templateRow(template, 0);
  return { ...row, internal_ports: template.internalPorts };
}

async function listTemplates(ctx: CommandContext, search: string | undefined): Promise<void> {
  const lium = await ctx.lium();
  const templates = await lium.getTemplates({ signal: ctx.signal });
  const words = (search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const matching = templates.filter((template) => {
    const text =
      `${template.name} ${template.dockerImage}:${template.dockerImageTag} ${template.category ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
  // Remember the rows on screen, so `lium up 1 --image 2` means row 2 of this table.
  await lium.rememberTemplates(matching);
  ctx.out.result(
    matching.map((template, i) => ({ template, index: i + 1 })),
    {
      json: ({ template, index }) => templateRow(template, index),
      columns: [
        { header: '#', align: 'right', cell: ({ index }) => String(index) },
        { header: 'ID', cell: ({ template }, c) => c.dim(template.id) },
        { header: 'NAME', cell: ({ template }) => template.name },
        {
          header: 'IMAGE',
          cell: ({ template }) => `${template.dockerImage}:${template.dockerImageTag}`,
        },
        { header: 'CATEGORY', cell: ({ template }) => template.category ?? '' },
      ],
      empty: {
        message: search ? `No template matches "${search}".` : 'No templates.',
        warn: true,
      },
      footer: 'Use one with `lium up <#> --image <ID>`.',
    },
  );
}

/** The verifier's log under the error, indented, so the reason is on screen, not only its last line. */
function showVerifierLog(ctx: CommandContext, error: unknown): void {
  if (!isLiumError(error) || error.code !== 'template_verify_failed' || ctx.out.json) return;
  const log = (error as { log?: unknown }).log;
  if (typeof log !== 'string' || log.trim() === '') return;
  ctx.out.info(ctx.out.c.dim('Verifier log:'));
  for (const line of log.split('\n')) ctx.out.info(ctx.out.c.dim(`  ${line}`));
}

async function newTemplate(ctx: CommandContext, args: TemplatesArgs): Promise<void> {
  if (args.image === undefined) {
    throw new CliUsageError(
      'lium templates new needs --image REPO:TAG',
      'e.g. `lium templates new --image pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime`.',
    );
  }
  const { createTemplateAndVerify, parseInternalPorts } = await import('@lium/sdk');
  // `--port 8000 --port 8888,6006`: one list, checked (a bad port is a usage error, exit 2).
  const ports = args.port?.length ? parseInternalPorts(args.port.join(',')) : [];
  const lium = await ctx.lium();
  const api = await lium.getApiClient();
  const spinner = ctx.out.spinner(`Creating a template of ${args.image}`);
  let seen: TemplateInfo | undefined;
  try {
    const template = await createTemplateAndVerify(api, {
      image: args.image,
      name: args.name,
      ...(ports.length > 0 ? { ports } : {}),
      startup: args.startup,
      signal: ctx.signal,
      onStatus: (status) => {
        seen = status;
        spinner.update(`Verifying template ${status.name} (${status.status ?? 'pending'})`);
      },
    });
    spinner.succeed(`Template ${template.name} verified (${template.id})`);
    if (ctx.out.json) ctx.out.printJson(templateJson(template));
    else ctx.out.info(ctx.out.c.dim(`Use it with \`lium up <#> --image ${template.id}\`.`));
  } catch (error) {
    spinner.fail(seen ? `Template ${seen.name} was not verified` : 'No template was created');
    if (ctx.interrupted) {
      throw new CliInterruptedError(
        seen
          ? `Interrupted: template ${seen.name} (${seen.id}) was created, its verification not awaited`
          : 'Interrupted before the template was created, or while it was',
        seen
          ? `See it in \`lium templates ${seen.name}\`; delete it with \`lium templates rm ${seen.id}\`.`
          : 'Check `lium templates` for it.',
      );
    }
    showVerifierLog(ctx, error);
    throw error;
  }
}

/** One template by id, HUID or exact name (yours first, when a name is shared). */
async function findTemplate(ctx: CommandContext, word: string): Promise<TemplateInfo | undefined> {
  const lium = await ctx.lium();
  const templates = await lium.getTemplates({ signal: ctx.signal });
  const byId = templates.find((t) => t.id === word || t.huid === word);
  if (byId) return byId;
  const named = templates.filter((t) => t.name === word);
  return named.find((t) => t.isPrivate) ?? named[0];
}

async function removeTemplate(ctx: CommandContext, word: string): Promise<void> {
  const { deleteTemplate } = await import('@lium/sdk');
  const found = await findTemplate(ctx, word);
  const label = found ? `${found.name} (${found.id})` : word;
  await ctx.confirm(
    `Delete template ${label}? Pods already running keep their image.`,
    'delete a template',
  );
  const api = await (await ctx.lium()).getApiClient();
  try {
    await deleteTemplate(api, found?.id ?? word, { signal: ctx.signal });
  } catch (error) {
    if (isLiumError(error) && error.code === 'target_not_found') {
      throw new CliError(`No template ${echo(word)}`, {
        code: 'target_not_found',
        hint: 'Run `lium templates` for the ids; only templates you created can be deleted.',
        cause: error,
      });
    }
    throw error;
  }
  if (ctx.out.json) {
    ctx.out.printJson({
      deleted: found ? templateJson(found) : { id: word },
    });
  } else {
    ctx.out.success(`Deleted template ${label}`);
  }
}

const TEMPLATE_OPTIONS = options({
  image: text('With new: the Docker image, REPO:TAG'),
  name: text('With new: its name (default: the image name and tag)'),
  port: repeatable(
    'With new: a port inside the container to expose (repeat, or 8000,8888; 22 is always)',
  ),
  startup: text('With new: a command run when the container starts'),
});

/** The list's search words and the options `new` reads, declared on `templates` itself. */
function withOptions(yargs: Argv<GlobalArgs>) {
  return (
    yargs
      .positional('search', { type: 'string', describe: 'Words in the name, image or category' })
      // Declared here, not on `new` alone, so completion and `--help` of `templates` show them.
      .options(TEMPLATE_OPTIONS)
  );
}

type TemplatesArgv = ReturnType<typeof withOptions>;
type TemplatesArgs = ArgsOf<typeof withOptions>;

function subcommands(yargs: TemplatesArgv, ctx: CommandContext): TemplatesArgv {
  return yargs
    .command(
      'new',
      'Create a template from a Docker image and wait until Lium verified it',
      (y) =>
        y.example(
          'lium templates new --image pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime --port 8888',
          'a template with Jupyter port 8888 exposed',
        ),
      (args) => newTemplate(ctx, args),
    )
    .command(
      'rm <id>',
      'Delete a template of yours (id, HUID or name)',
      (y) =>
        y
          .positional('id', {
            type: 'string',
            demandOption: true,
            describe: 'Template id, HUID or name',
          })
          .example('lium templates rm my-image -y', 'delete it without asking'),
      (args) => removeTemplate(ctx, args.id),
    );
}

/**
 * A search word is no mistyped subcommand: `lium templates rx` searches, where yargs would ask
 * "did you mean rm?". (`recommendCommands(false)` works; yargs' types leave the argument out.)
 */
function withoutSuggestions<A>(yargs: Argv<A>): Argv<A> {
  return (yargs as unknown as { recommendCommands(on: boolean): Argv<A> }).recommendCommands(false);
}

export default defineCommand({
  builder: (yargs, ctx) =>
    withoutSuggestions(subcommands(withOptions(yargs), ctx))
      .example('lium templates pytorch', 'PyTorch images; pass an id to `lium up --image`')
      .example('lium templates new --image ubuntu:24.04', 'your own template of an image'),
  async handler(args, ctx) {
    await listTemplates(ctx, args.search);
  },
});
