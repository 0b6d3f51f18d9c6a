import yargs from 'yargs';
import { commands } from './commands/index.ts';
import type { CommandContext } from './context.ts';

/**
 * Shell completion. `lium completion` prints a script; the script calls the hidden
 * `lium __complete <words…>` on every Tab, which answers one candidate per line: command names,
 * option names, and for commands that take pods, the HUIDs and names of your pods.
 */

const GLOBAL_OPTIONS = [
  '--json',
  '--yes',
  '--debug',
  '--no-color',
  '--api-key',
  '--profile',
  '--help',
];
/** Commands whose first positional names pods. */
const POD_COMMANDS = new Set(['ps', 'down', 'rm', 'exec', 'ssh', 'scp', 'rsync']);
const CONFIG_ACTIONS = ['set', 'get', 'unset', 'show', 'path', 'edit', 'profiles'];

const BASH = `###-begin-lium-completions-###
# lium completion for bash: add \`eval "$(lium completion bash)"\` to ~/.bashrc
_lium_completions() {
  local IFS=$'\\n'
  COMPREPLY=( $(lium __complete "\${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _lium_completions lium
###-end-lium-completions-###
`;

const ZSH = `#compdef lium
###-begin-lium-completions-###
# lium completion for zsh: add \`eval "$(lium completion zsh)"\` to ~/.zshrc
_lium() {
  local -a candidates
  candidates=("\${(@f)$(lium __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == "loadautofunc" ]]; then _lium "$@"; else compdef _lium lium; fi
###-end-lium-completions-###
`;

export function completionScript(
  shell: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const wanted = shell ?? (env.SHELL?.endsWith('zsh') ? 'zsh' : 'bash');
  return wanted === 'zsh' ? ZSH : BASH;
}

function commandNames(): string[] {
  return commands.flatMap((entry) => [entry.command.split(' ')[0] ?? '', ...(entry.aliases ?? [])]);
}

async function optionNames(command: string, ctx: CommandContext): Promise<string[]> {
  const entry = commands.find(
    (e) => e.command.split(' ')[0] === command || e.aliases?.includes(command),
  );
  if (!entry) return [];
  const module = (await entry.load()).default;
  const parser = module.builder(yargs() as unknown as Parameters<typeof module.builder>[0], ctx);
  const keys = Object.keys(
    (parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key,
  );
  return keys.filter((key) => key.length > 1 && !/[A-Z]/.test(key)).map((key) => `--${key}`);
}

async function podNames(ctx: CommandContext): Promise<string[]> {
  try {
    const lium = await ctx.lium();
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
  let candidates: string[];
  if (current.startsWith('-')) {
    candidates = [...GLOBAL_OPTIONS, ...(command ? await optionNames(command, ctx) : [])];
  } else if (!command) {
    candidates = commandNames();
  } else if (command === 'config' && positionals.length === 1) {
    candidates = CONFIG_ACTIONS;
  } else if (command === 'completion' && positionals.length === 1) {
    candidates = ['bash', 'zsh'];
  } else if (POD_COMMANDS.has(command) && positionals.length === 1) {
    candidates = await podNames(ctx);
  } else {
    candidates = [];
  }
  return [...new Set(candidates)].filter((candidate) => candidate.startsWith(current));
}
