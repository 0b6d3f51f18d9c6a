import { join } from 'node:path';
import type { SshConfigChange, SshConfigManager } from '@lium/sdk';
import type { CommandContext } from './context.ts';

/** The user's OpenSSH config: `$HOME/.ssh/config` of this run's environment. */
export function userSshConfigPath(ctx: CommandContext): string | undefined {
  const home = ctx.io.env.HOME;
  return home ? join(home, '.ssh', 'config') : undefined;
}

/** The managed ssh_config of the run's profile (no API call, no SSH). */
export async function openSshConfig(ctx: CommandContext): Promise<SshConfigManager> {
  const { SshConfigManager } = await import('@lium/sdk');
  return SshConfigManager.open(await ctx.lium(), { userSshConfig: userSshConfigPath(ctx) });
}

/**
 * Keeps `~/.lium/ssh_config` current after `up`, `down` or `ps`, from the pods the command
 * already has (no extra API call), and only when the file exists (`lium ssh-config` made it).
 * A failure here never fails the command: it is a warning.
 */
export async function keepSshConfigCurrent(
  ctx: CommandContext,
  change: SshConfigChange,
): Promise<void> {
  try {
    const sshConfig = await openSshConfig(ctx);
    if (await sshConfig.update(change)) ctx.out.debug(`updated ${sshConfig.file}`);
  } catch (error) {
    ctx.out.warn(`Could not update the managed ssh_config: ${(error as Error).message}`);
  }
}
