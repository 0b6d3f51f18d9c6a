import type { CommandModule } from '../define-command.ts';

/**
 * Every `lium` command, in the order `lium --help` lists them. Names, positionals and
 * descriptions live here; each module (options and handler) is imported only when its
 * command runs, so start-up never pays for the others or for the SDK.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  aliases?: readonly string[];
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
    describe: 'Read and change settings (set, get, unset, show, path, edit, profiles)',
    load: () => import('./config.ts'),
  },
  {
    command: 'ls [gpu]',
    describe: 'List machines you can rent (★ = best value)',
    load: () => import('./ls.ts'),
  },
  {
    command: 'up [targets]',
    describe: 'Rent pods on machines from `lium ls` (index, HUID or id; `1,2,3`)',
    load: () => import('./up.ts'),
  },
  {
    command: 'ps [target]',
    describe: 'List your pods',
    load: () => import('./ps.ts'),
  },
  {
    command: 'down [targets]',
    aliases: ['rm'],
    describe: 'Stop pods (index from `lium ps`, HUID, name, id, `all`)',
    load: () => import('./down.ts'),
  },
  {
    command: 'exec <targets> [command..]',
    describe: 'Run a command on pods and stream its output',
    load: () => import('./exec.ts'),
  },
  {
    command: 'ssh <target>',
    describe: 'Open an interactive shell on a pod',
    load: () => import('./ssh.ts'),
  },
  {
    command: 'scp <targets> [paths..]',
    describe: 'Copy files to pods, or from a pod with TARGET:PATH',
    load: () => import('./scp.ts'),
  },
  {
    command: 'rsync <source> <dest>',
    describe: 'Sync directories with pods (either side may be TARGETS:PATH)',
    load: () => import('./rsync.ts'),
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
    command: 'completion [shell]',
    describe: 'Print a bash/zsh completion script (completes pod HUIDs and names)',
    load: () => import('./completion.ts'),
  },
];
