import { isLiumError } from '@lium/errors';
import type { Lium, TemplateChoice } from '@lium/sdk';
import type { CommandContext } from './context.ts';
import { CliUsageError } from './errors.ts';
import { echo } from './options.ts';

const EXPECTED =
  'a template id or HUID, an index from the last `lium templates`, or a Docker image such as pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime';

/**
 * What `--image` names, read before anything is rented or created: a usage error (exit 2)
 * naming what is expected when it names nothing, instead of the server's UUID 422.
 */
export async function chooseTemplateArg(
  lium: Lium,
  spec: string,
  ctx: CommandContext,
): Promise<TemplateChoice> {
  try {
    return await lium.chooseTemplate(spec, { signal: ctx.signal });
  } catch (error) {
    if (!isLiumError(error)) throw error;
    if (error.code === 'no_snapshot') {
      throw new CliUsageError(
        `--image ${spec} is an index, but no template list was shown in this shell yet`,
        'Run `lium templates` first, or give a template id, HUID or image.',
      );
    }
    if (['target_not_found', 'target_invalid', 'usage_error'].includes(error.code)) {
      throw new CliUsageError(
        `--image ${echo(spec)} is not ${EXPECTED}`,
        'See `lium templates` and `lium up --help`.',
      );
    }
    throw error;
  }
}

/** The line `up` shows under the machines: which template, or that one will be made. */
export function describeTemplateChoice(choice: TemplateChoice, ctx: CommandContext): void {
  const { out } = ctx;
  const t = choice.template;
  if (t) {
    out.info(`  template ${out.c.cyan(t.name)} (${t.dockerImage}:${t.dockerImageTag})`);
  } else if (choice.kind === 'image') {
    out.info(
      `  image ${out.c.cyan(`${choice.image}:${choice.tag}`)}: no template has it, a private one-time template will be made`,
    );
  }
}

/** The template id to rent with: the chosen one, or one made now for the image (verified). */
export async function templateIdOf(
  lium: Lium,
  choice: TemplateChoice,
  ctx: CommandContext,
): Promise<string> {
  if (choice.kind === 'template') return choice.template.id;
  if (choice.template) return choice.template.id;
  const spinner = ctx.out.spinner(`Making a template for ${choice.image}:${choice.tag}…`);
  try {
    const made = await lium.templateForImage(choice.image, choice.tag, { signal: ctx.signal });
    spinner.succeed(`Template ${made.name} made for ${choice.image}:${choice.tag}`);
    return made.id;
  } finally {
    spinner.stop();
  }
}
