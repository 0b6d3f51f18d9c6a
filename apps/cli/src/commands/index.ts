import { CONFIG_ACTIONS, SHELLS } from '../command-words.ts';
import type { CommandModule } from '../define-command.ts';
import { flag, oneOf, optionalFlag, options, text } from '../options.ts';

/**
 * Flags every command accepts, declared once: the root parser, `--help` and completion read
 * them from here.
 */
export const GLOBAL_OPTIONS = options({
  json: flag('Machine-readable output on stdout', { global: true }),
  // Read as --json / --no-json before parsing (format-option.ts); declared for help and checks.
  format: oneOf(['json', 'table'], 'Output format: json is --json (the official CLI spelling)', {
    global: true,
  }),
  yes: flag('Answer yes to confirmations', { alias: 'y', global: true }),
  debug: flag('Log API requests (key redacted) and stack traces', { global: true }),
  color: optionalFlag('Colour output (--no-color to turn off)', { global: true }),
  'api-key': text('API key for this run (prefer LIUM_API_KEY: argv is visible to other users)', {
    global: true,
  }),
  profile: text('Account profile from config.ini (default $LIUM_PROFILE, else "default")', {
    global: true,
  }),
});

/** What a command's first positional names, for completion and for the docs. */
export type TargetKind = 'pods' | 'machines';

/**
 * Every `lium` command, in the order `lium --help` lists them. Names, positionals and
 * descriptions live here; each module (options and handler) is imported only when its
 * command runs, so start-up never pays for the others or for the SDK.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  aliases?: readonly string[];
  /** What the first positional names (completion offers pod HUIDs and names for `pods`). */
  takes?: TargetKind;
  /** The words the first positional accepts, when it is a fixed list (subcommands, shells). */
  subcommands?: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own argument type
  load: () => Promise<{ default: CommandModule<any> }>;
}

export const commands: readonly CommandEntry[] = [
  {
    command: 'init',
    describe: 'Set up your API key and SSH key',
    load: () => import('./init.ts'),
  },
  {
    command: 'config',
    subcommands: CONFIG_ACTIONS,
    describe: 'Read and change settings (set, get, unset, show, path, edit)',
    load: () => import('./config.ts'),
  },
  {
    command: 'ls [gpu]',
    describe: 'List machines you can rent (★ = best value)',
    load: () => import('./ls.ts'),
  },
  {
    command: 'up [targets]',
    takes: 'machines',
    describe: 'Rent pods on machines from `lium ls` (index, HUID or id; `1,2,3`)',
    load: () => import('./up.ts'),
  },
  {
    command: 'ps [target]',
    takes: 'pods',
    describe: 'List your pods',
    load: () => import('./ps.ts'),
  },
  {
    command: 'down [targets]',
    takes: 'pods',
    aliases: ['rm'],
    describe: 'Stop pods (index from `lium ps`, HUID, name, id, `all`)',
    load: () => import('./down.ts'),
  },
  {
    command: 'reboot [targets]',
    takes: 'pods',
    describe: 'Reboot pods and wait until SSH answers again (--all, --volume-id, --no-wait)',
    load: () => import('./reboot.ts'),
  },
  {
    command: 'schedules',
    subcommands: ['list', 'rm'],
    describe: 'Pods with a scheduled removal: when, in how long, cost (rm TARGETS cancels)',
    load: () => import('./schedules.ts'),
  },
  {
    command: 'exec <targets> [command..]',
    takes: 'pods',
    describe: 'Run a command on pods and stream its output',
    load: () => import('./exec.ts'),
  },
  {
    command: 'run [target] [command..]',
    takes: 'pods',
    describe: 'Rent a pod, sync this directory, run a command, pull outputs, stop (one job)',
    load: () => import('./run.ts'),
  },
  {
    command: 'ssh <target> [command..]',
    takes: 'pods',
    describe: 'Open a shell on a pod, or run COMMAND there',
    load: () => import('./ssh.ts'),
  },
  {
    command: 'logs <target>',
    takes: 'pods',
    describe: "Show a pod's container logs (-n/--tail N, -f/--follow)",
    load: () => import('./logs.ts'),
  },
  {
    command: 'known-hosts',
    subcommands: ['forget'],
    describe: "Forget a pod's pinned SSH host key after it changed (forget TARGETS)",
    load: () => import('./known-hosts.ts'),
  },
  {
    command: 'scp <targets> [paths..]',
    takes: 'pods',
    describe: 'Copy files to pods, or from a pod with TARGET:PATH',
    load: () => import('./scp.ts'),
  },
  {
    command: 'rsync <source> <dest> [remote]',
    takes: 'pods',
    describe: 'Sync directories with pods (either side may be TARGETS:PATH)',
    load: () => import('./rsync.ts'),
  },
  {
    command: 'volumes',
    subcommands: ['list', 'new', 'rm'],
    describe: 'Persistent volumes to attach at rent (list, new NAME, rm TARGETS)',
    load: () => import('./volumes.ts'),
  },
  {
    command: 'balance',
    describe: 'Your balance, the hourly spend of your pods and how long it lasts',
    load: () => import('./balance.ts'),
  },
  {
    command: 'fund',
    describe: 'Add TAO from a Bittensor wallet to your Lium balance',
    load: () => import('./fund.ts'),
  },
  {
    command: 'ssh-config',
    describe: 'Write ~/.lium/ssh_config so `ssh <huid>` works (--install, --uninstall, --print)',
    load: () => import('./ssh-config.ts'),
  },
  {
    command: 'templates [search]',
    describe: 'List pod templates (images)',
    load: () => import('./templates.ts'),
  },
  {
    command: 'image <name> <dir>',
    describe: 'Build DIR/Dockerfile, push it and make a verified template of it',
    load: () => import('./image.ts'),
  },
  {
    command: 'jupyter <target>',
    describe: 'Start Jupyter on a pod (or show the running one) and print its URL',
    load: () => import('./jupyter.ts'),
  },
  {
    command: 'completion [shell]',
    subcommands: SHELLS,
    describe: 'Print a bash/zsh completion script (completes pod HUIDs and names)',
    load: () => import('./completion.ts'),
  },
];

/** The registry entry for a command name or alias typed on the command line. */
export function findCommand(word: string): CommandEntry | undefined {
  return commands.find((entry) => commandName(entry) === word || entry.aliases?.includes(word));
}

export function commandName(entry: CommandEntry): string {
  return entry.command.split(' ')[0] ?? entry.command;
}
