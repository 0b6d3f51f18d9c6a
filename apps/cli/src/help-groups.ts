import { type CommandEntry, type CommandGroup, commands, GROUP_TITLES } from './commands/index.ts';

/** The first line of the root `lium --help` (yargs' usage line), which the grouping looks for. */
export const ROOT_USAGE = 'lium <command> [options]';

/** `text` broken into lines of at most `width` characters, at spaces (a longer word stays whole). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function describeOf(entry: CommandEntry): string {
  return entry.aliases?.length
    ? `${entry.describe} [aliases: ${entry.aliases.join(', ')}]`
    : entry.describe;
}

/**
 * The registry's commands under one heading per group (Pods:, Files:, …): each command's usage
 * in one column and its description wrapped to `width`, in the registry's order within a group.
 */
export function groupedCommands(
  width: number,
  entries: readonly CommandEntry[] = commands,
): string {
  const column = Math.max(...entries.map((entry) => `lium ${entry.command}`.length)) + 2;
  const descWidth = Math.max(20, width - column - 2);
  const blocks: string[] = [];
  for (const [group, title] of Object.entries(GROUP_TITLES) as [CommandGroup, string][]) {
    const members = entries.filter((entry) => entry.group === group);
    if (members.length === 0) continue;
    const lines = [`${title}:`];
    for (const entry of members) {
      const [first = '', ...rest] = wrapWords(describeOf(entry), descWidth);
      lines.push(`  ${`lium ${entry.command}`.padEnd(column)}${first}`.trimEnd());
      for (const more of rest) lines.push(`${' '.repeat(column + 2)}${more}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/**
 * yargs' root help with its one flat `Commands:` list replaced by {@link groupedCommands}; any
 * other help text (a command's own) is returned as it was.
 */
export function withGroupedCommands(help: string, width: number): string {
  if (!help.startsWith(ROOT_USAGE)) return help;
  const start = help.indexOf('\nCommands:\n');
  if (start < 0) return help;
  const end = help.indexOf('\n\n', start + 1);
  if (end < 0) return help;
  return `${help.slice(0, start + 1)}${groupedCommands(width)}${help.slice(end)}`;
}
