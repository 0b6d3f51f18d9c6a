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
  // Not a wait: `up`/`reboot`/`run` bound their wait for a pod with --wait-timeout.
  timeout: text(
    'Bound the whole command (90s, 5m; default $LIUM_TIMEOUT, else none): when it runs out, it stops like Ctrl-C, stopping any pod it rented',
    { global: true },
  ),
});

/** What a command's first positional names, for completion and for the docs. */
export type TargetKind = 'pods' | 'machines';

/** The headings `lium --help` lists commands under, in this order. */
export const GROUP_TITLES = {
  pods: 'Pods',
  files: 'Files',
  machines: 'Machines',
  account: 'Account',
  storage: 'Storage',
} as const;

/** Which heading of `lium --help` a command is listed under. */
export type CommandGroup = keyof typeof GROUP_TITLES;

/**
 * Every `lium` command, in the order `lium --help` lists them. Names, positionals and
 * descriptions live here; each module (options and handler) is imported only when its
 * command runs, so start-up never pays for the others or for the SDK.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  /** The heading `lium --help` lists it under (required: a new command picks one). */
  group: CommandGroup;
  aliases?: readonly string[];
  /** What the first positional names (completion offers pod HUIDs and names for `pods`). */
  takes?: TargetKind;
  /** The words the first positional accepts, when it is a fixed list (subcommands, shells). */
  subcommands?: readonly string[];
  /** What the positional after a subcommand names (`bk now <pod>`, `known-hosts forget <pod>`). */
  subcommandTakes?: TargetKind;
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own argument type
  load: () => Promise<{ default: CommandModule<any> }>;
}

export const commands: readonly CommandEntry[] = [
  {
    command: 'init',
    group: 'account',
    describe: 'Set up your API key and SSH key',
    load: () => import('./init.ts'),
  },
  {
    command: 'config',
    group: 'account',
    subcommands: CONFIG_ACTIONS,
    describe: 'Read and change settings (set, get, unset, show, path, edit)',
    load: () => import('./config.ts'),
  },
  {
    command: 'ls [gpu]',
    group: 'machines',
    describe: 'List machines you can rent (★ = best value)',
    load: () => import('./ls.ts'),
  },
  {
    command: 'up [targets]',
    group: 'pods',
    takes: 'machines',
    describe: 'Rent pods on machines from `lium ls` (index, HUID or id; `1,2,3`)',
    load: () => import('./up.ts'),
  },
  {
    command: 'ps [target]',
    group: 'pods',
    takes: 'pods',
    describe: 'List your pods',
    load: () => import('./ps.ts'),
  },
  {
    command: 'down [targets]',
    group: 'pods',
    takes: 'pods',
    aliases: ['rm'],
    describe: 'Stop pods (index from `lium ps`, HUID, name, id, `all`)',
    load: () => import('./down.ts'),
  },
  {
    command: 'reboot [targets]',
    group: 'pods',
    takes: 'pods',
    describe: 'Reboot pods and wait until SSH answers again (--all, --volume-id, --no-wait)',
    load: () => import('./reboot.ts'),
  },
  {
    command: 'schedules',
    group: 'pods',
    subcommands: ['list', 'rm'],
    subcommandTakes: 'pods',
    describe: 'Pods with a scheduled removal: when, in how long, cost (rm TARGETS cancels)',
    load: () => import('./schedules.ts'),
  },
  {
    command: 'exec <targets> [command..]',
    group: 'pods',
    takes: 'pods',
    describe: 'Run a command on pods and stream its output',
    load: () => import('./exec.ts'),
  },
  {
    command: 'run [target] [command..]',
    group: 'pods',
    takes: 'pods',
    describe: 'Rent a pod, sync this directory, run a command, pull outputs, stop (one job)',
    load: () => import('./run.ts'),
  },
  {
    command: 'ssh <target> [command..]',
    group: 'pods',
    takes: 'pods',
    describe: 'Open a shell on a pod, or run COMMAND there',
    load: () => import('./ssh.ts'),
  },
  {
    command: 'logs <target>',
    group: 'pods',
    takes: 'pods',
    describe: "Show a pod's container logs (-n/--tail N, -f/--follow)",
    load: () => import('./logs.ts'),
  },
  {
    command: 'known-hosts',
    group: 'pods',
    subcommands: ['forget'],
    subcommandTakes: 'pods',
    describe: "Forget a pod's pinned SSH host key after it changed (forget TARGETS)",
    load: () => import('./known-hosts.ts'),
  },
  {
    command: 'scp <targets> [paths..]',
    group: 'files',
    takes: 'pods',
    describe: 'Copy files to pods, or from a pod with TARGET:PATH',
    load: () => import('./scp.ts'),
  },
  {
    command: 'rsync <source> <dest> [remote]',
    group: 'files',
    takes: 'pods',
    describe: 'Sync directories with pods (either side may be TARGETS:PATH)',
    load: () => import('./rsync.ts'),
  },
  {
    command: 'volumes',
    group: 'storage',
    subcommands: ['list', 'new', 'rm'],
    describe: 'Persistent volumes to attach at rent (list, new NAME, rm TARGETS)',
    load: () => import('./volumes.ts'),
  },
  {
    command: 'ssh-keys',
    group: 'account',
    subcommands: ['list', 'add', 'rm', 'sync'],
    describe: "The account's SSH keys (list, add [PATH], rm ID|NAME, sync the local key)",
    load: () => import('./ssh-keys.ts'),
  },
  {
    command: 'port-forward <target> [ports..]',
    group: 'pods',
    takes: 'pods',
    describe: "Tunnel 127.0.0.1:N to a pod's localhost:PORT over SSH until Ctrl-C (PORT[:LOCAL]…)",
    load: () => import('./port-forward.ts'),
  },
  {
    command: 'bk',
    group: 'storage',
    subcommands: ['set', 'show', 'now', 'logs', 'restore', 'restore-logs', 'rm'],
    subcommandTakes: 'pods',
    describe:
      "Back up a pod's files and restore them (set, show, now, logs, restore, restore-logs, rm)",
    load: () => import('./bk.ts'),
  },
  {
    command: 'balance',
    group: 'account',
    describe: 'Your balance, the hourly spend of your pods and how long it lasts',
    load: () => import('./balance.ts'),
  },
  {
    command: 'fund',
    group: 'account',
    describe: 'Add TAO from a Bittensor wallet to your Lium balance',
    load: () => import('./fund.ts'),
  },
  {
    command: 'topup',
    group: 'account',
    subcommands: ['currencies', 'create'],
    describe: 'Add USD with crypto: currencies [--refresh], create --amount USD --currency CODE',
    load: () => import('./topup.ts'),
  },
  {
    command: 'ssh-config',
    group: 'pods',
    describe: 'Write ~/.lium/ssh_config so `ssh <huid>` works (--install, --uninstall, --print)',
    load: () => import('./ssh-config.ts'),
  },
  {
    command: 'templates [search]',
    group: 'machines',
    subcommands: ['new', 'rm'],
    describe: 'List pod templates (images); new --image REPO:TAG, rm ID',
    load: () => import('./templates.ts'),
  },
  {
    command: 'image <name> <dir>',
    group: 'machines',
    describe: 'Build DIR/Dockerfile, push it and make a verified template of it',
    load: () => import('./image.ts'),
  },
  {
    command: 'jupyter <target>',
    group: 'pods',
    describe: 'Start Jupyter on a pod (or show the running one) and print its URL',
    load: () => import('./jupyter.ts'),
  },
  {
    command: 'completion [shell]',
    group: 'account',
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
