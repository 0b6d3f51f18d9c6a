import yargs from 'yargs';
import { commandName, commands, findCommand, GLOBAL_OPTIONS } from './commands/index.ts';
import type { CommandContext } from './context.ts';

/**
 * Shell completion. `lium completion` prints a script; the script calls the hidden
 * `lium __complete <words…>` on every Tab, which answers one candidate per line: command names,
 * option names, an option's choices (`--sort`, `--tier`), GPU types after `ls` and `--gpu`, and
 * for commands that take pods, `all` and the HUIDs and names of the pods of the last `lium ps`
 * (read from disk: Tab must not wait for the API).
 */

/** GPU types offered before any `lium ls` has been seen (the marketplace's usual names). */
const COMMON_GPU_TYPES = [
  'A100',
  'A10',
  'A4000',
  'A40',
  'A5000',
  'A6000',
  'B200',
  'H100',
  'H200',
  'L4',
  'L40',
  'L40S',
  'RTX3090',
  'RTX4090',
  'RTX5090',
  'RTX6000',
  'RTXPRO6000',
];

/** Options whose value is a GPU type. */
const GPU_OPTIONS = new Set(['--gpu']);

/** The global flags as typed: each name, its one-letter alias, `--no-x` for booleans, help. */
function globalFlags(): string[] {
  const flags = Object.entries(GLOBAL_OPTIONS).flatMap(([name, option]) => [
    `--${name}`,
    ...('alias' in option && typeof option.alias === 'string' ? [`-${option.alias}`] : []),
    ...(option.type === 'boolean' ? [`--no-${name}`] : []),
  ]);
  return [...flags, '--help'];
}

function commandNames(): string[] {
  return commands.flatMap((entry) => [commandName(entry), ...(entry.aliases ?? [])]);
}

export interface CommandOption {
  /** The long name, without `--`. */
  name: string;
  boolean: boolean;
  /** Other names for it (`-e` for `--env`), without dashes. */
  aliases: string[];
}

interface ParsedOptions {
  key: Record<string, unknown>;
  boolean: string[];
  alias: Record<string, string[]>;
  choices: Record<string, readonly string[]>;
}

/** The values an option accepts when they are a fixed list (`--sort`, `--tier`), by `--name`. */
async function optionChoices(command: string, ctx: CommandContext): Promise<Map<string, string[]>> {
  const entry = findCommand(command);
  if (!entry) return new Map();
  const module = (await entry.load()).default;
  const parser = module.builder(yargs() as unknown as Parameters<typeof module.builder>[0], ctx);
  const declared = (parser as unknown as { getOptions(): ParsedOptions }).getOptions();
  const choices = new Map<string, string[]>();
  for (const [name, values] of Object.entries(declared.choices ?? {})) {
    for (const spelling of [name, ...(declared.alias[name] ?? [])]) {
      choices.set(spelling.length > 1 ? `--${spelling}` : `-${spelling}`, [...values]);
    }
  }
  return choices;
}

/** The options a command's builder declares (not the global ones), read from yargs itself. */
export async function commandOptions(
  command: string,
  ctx: CommandContext,
): Promise<CommandOption[]> {
  const entry = findCommand(command);
  if (!entry) return [];
  const module = (await entry.load()).default;
  const parser = module.builder(yargs() as unknown as Parameters<typeof module.builder>[0], ctx);
  const declared = (parser as unknown as { getOptions(): ParsedOptions }).getOptions();
  const positionals = entry.command.match(/[\w-]+(?=\.*[\]>])/g) ?? [];
  const aliases = Object.values(declared.alias).flat();
  const skip = new Set([...Object.keys(GLOBAL_OPTIONS), ...positionals, ...aliases]);
  return Object.keys(declared.key)
    .filter((key) => key.length > 1 && !/[A-Z]/.test(key) && !skip.has(key))
    .map((name) => ({
      name,
      boolean: declared.boolean.includes(name),
      aliases: declared.alias[name] ?? [],
    }));
}

async function optionNames(command: string, ctx: CommandContext): Promise<string[]> {
  return (await commandOptions(command, ctx)).map((option) => `--${option.name}`);
}

async function gpuTypes(ctx: CommandContext): Promise<string[]> {
  try {
    const lium = await ctx.lium();
    return [...(await lium.rememberedGpuTypes()), ...COMMON_GPU_TYPES];
  } catch {
    return COMMON_GPU_TYPES;
  }
}

async function podNames(ctx: CommandContext): Promise<string[]> {
  try {
    const lium = await ctx.lium();
    // The pods of the last `lium ps` (or `up`), from disk; the API only when none was kept.
    const remembered = await lium.rememberedPodWords();
    if (remembered) return remembered;
    // Tab must stay snappy: a slow or unreachable API just means no pod names.
    const pods = await lium.listPods({ signal: AbortSignal.timeout(3000) });
    return pods.flatMap((pod) =>
      pod.name && pod.name !== pod.huid ? [pod.huid, pod.name] : [pod.huid],
    );
  } catch {
    return [];
  }
}

/** Candidates for the last word of `words` (the word being completed; may be empty). */
export async function complete(line: readonly string[], ctx: CommandContext): Promise<string[]> {
  // Pod names come from the account of the profile on the line; its value is no positional.
  const profileAt = line.indexOf('--profile');
  const profile = profileAt >= 0 && profileAt < line.length - 2 ? line[profileAt + 1] : undefined;
  if (profile) ctx.globals = { ...ctx.globals, profile };
  const words = profile ? line.filter((_, i) => i !== profileAt && i !== profileAt + 1) : line;
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const positionals = before.filter((word) => !word.startsWith('-'));
  const command = positionals[0];
  const entry = command ? findCommand(command) : undefined;
  const previous = before.at(-1);
  const choices =
    previous?.startsWith('-') && command
      ? (await optionChoices(command, ctx)).get(previous)
      : undefined;
  let candidates: string[];
  if (previous && GPU_OPTIONS.has(previous)) {
    candidates = await gpuTypes(ctx);
  } else if (choices) {
    candidates = choices;
  } else if (current.startsWith('-')) {
    candidates = [...globalFlags(), ...(command ? await optionNames(command, ctx) : [])];
  } else if (!command) {
    candidates = commandNames();
  } else if (entry?.subcommands && positionals.length === 1) {
    candidates = [...entry.subcommands];
  } else if (entry?.subcommandTakes === 'pods' && positionals.length === 2) {
    candidates = await podNames(ctx);
  } else if (entry?.takes === 'pods' && positionals.length === 1) {
    candidates = ['all', ...(await podNames(ctx))];
  } else if (command === 'ls' && positionals.length === 1) {
    candidates = await gpuTypes(ctx);
  } else {
    candidates = [];
  }
  return [...new Set(candidates)].filter((candidate) => candidate.startsWith(current));
}
