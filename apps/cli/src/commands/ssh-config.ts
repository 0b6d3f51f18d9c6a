import type { PodInfo, SshConfigHost } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { flag, options } from '../options.ts';
import { plural } from '../pods.ts';
import { openSshConfig } from '../ssh-config-sync.ts';

/** How long pinning a pod's host key may take before the pod is listed unpinned. */
const PIN_TIMEOUT_MS = 15_000;

function hostJson(host: SshConfigHost) {
  return {
    pod_id: host.podId,
    huid: host.huid,
    name: host.name,
    aliases: host.aliases,
    host: host.hostName,
    port: host.port,
    user: host.user,
    identity_file: host.identityFile ?? null,
    known_hosts_file: host.knownHostsFile,
  };
}

/**
 * Pins the host keys of the pods lium never logged in to (one `true` over SSH each), so
 * OpenSSH's `StrictHostKeyChecking yes` has a key to check. Returns the pods left unpinned.
 */
async function pinMissing(
  ctx: CommandContext,
  pods: readonly PodInfo[],
  hosts: readonly SshConfigHost[],
): Promise<string[]> {
  const { access } = await import('node:fs/promises');
  const unpinned: PodInfo[] = [];
  for (const host of hosts) {
    const known = await access(host.knownHostsFile).then(
      () => true,
      () => false,
    );
    const pod = pods.find((p) => p.id === host.podId);
    if (!known && pod) unpinned.push(pod);
  }
  if (unpinned.length === 0) return [];
  const lium = await ctx.lium();
  const failed: string[] = [];
  const busy = ctx.out.busy(`Pinning the host keys of ${plural(unpinned.length, 'pod')}…`);
  try {
    for await (const event of lium.executeMany(unpinned, 'true', {
      timeoutMs: PIN_TIMEOUT_MS,
      signal: ctx.signal,
    })) {
      if (event.type === 'result' && event.error) failed.push(event.pod.huid);
    }
  } finally {
    busy.stop();
  }
  return failed;
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .options(
        options({
          install: flag('Also add one Include line at the top of ~/.ssh/config (asks first)'),
          uninstall: flag('Remove exactly what --install and this command added'),
          print: flag('Print the file to stdout instead of writing it'),
        }),
      )
      .example(
        'lium ssh-config --install',
        'then `ssh <huid>`, scp, rsync and VS Code work by name',
      )
      .example('lium ssh-config --print', 'see the Host blocks without writing anything')
      .epilog(
        'Writes ~/.lium/ssh_config (~/.lium/profiles/NAME/ssh_config with --profile): a Host block per running pod with its HUID and name as aliases, our SSH key, and its pinned host key (StrictHostKeyChecking yes). `lium up`, `down` and `ps` keep the file current once it exists. --install puts the Include line first in ~/.ssh/config, because OpenSSH keeps the first value it reads: a later `Host *` of yours cannot override these hosts.',
      ),
  async handler(args, ctx) {
    const chosen = [args.install, args.uninstall, args.print].filter(Boolean).length;
    if (chosen > 1) throw new CliUsageError('Give one of --install, --uninstall or --print');
    const { out } = ctx;
    const sshConfig = await openSshConfig(ctx);

    if (args.uninstall) {
      const { changed } = await sshConfig.uninstall();
      const removedFiles = await sshConfig.removeAll();
      if (out.json) {
        out.printJson({
          ssh_config: sshConfig.userSshConfig,
          include_removed: changed,
          removed_files: removedFiles,
        });
        return;
      }
      if (changed) out.success(`Removed the lium Include line from ${sshConfig.userSshConfig}`);
      else out.info(`${sshConfig.userSshConfig} has no lium Include line.`);
      for (const file of removedFiles) out.success(`Removed ${file}`);
      return;
    }

    // Ask before anything is written: without a terminal (and without -y) nothing changes.
    let installed = await sshConfig.isInstalled();
    if (args.install && !installed) {
      out.info(`  ${sshConfig.includeLine}`);
      await ctx.confirm(
        `Add this line at the top of ${sshConfig.userSshConfig}?`,
        `edit ${sshConfig.userSshConfig}`,
      );
    }

    const lium = await ctx.lium();
    const busy = out.busy('Listing pods…');
    let pods: PodInfo[];
    try {
      pods = await lium.listPods({ signal: ctx.signal });
    } finally {
      busy.stop();
    }

    if (args.print) {
      const text = await sshConfig.render(pods);
      if (out.json) {
        const hosts = await sshConfig.hostsFor(pods);
        out.printJson({
          path: sshConfig.file,
          profile: sshConfig.profile,
          text,
          hosts: hosts.map(hostJson),
        });
      } else out.print(text.replace(/\n$/, ''));
      return;
    }

    const hosts = await sshConfig.write(pods);
    const unpinned = await pinMissing(ctx, pods, hosts);
    let changed = false;
    if (args.install && !installed) {
      changed = (await sshConfig.install()).changed;
      installed = true;
    }
    if (out.json) {
      out.printJson({
        path: sshConfig.file,
        profile: sshConfig.profile,
        ssh_config: sshConfig.userSshConfig,
        installed,
        changed,
        hosts: hosts.map(hostJson),
        unpinned,
      });
      return;
    }
    out.success(
      `Wrote ${sshConfig.file} (${plural(hosts.length, 'running pod')}${hosts.length > 0 ? `: ${hosts.map((h) => h.huid).join(', ')}` : ''})`,
    );
    if (changed) out.success(`Added the Include line at the top of ${sshConfig.userSshConfig}`);
    for (const huid of unpinned) {
      out.warn(
        `Could not reach ${huid} to pin its host key: \`ssh ${huid}\` refuses it until \`lium exec ${huid} true\` works.`,
      );
    }
    const first = hosts[0]?.huid ?? '<huid>';
    if (installed) out.info(out.c.dim(`Try: ssh ${first}`));
    else
      out.info(
        out.c.dim(
          `Run \`lium ssh-config --install\` so \`ssh ${first}\` works, or use \`ssh -F ${sshConfig.file} ${first}\`.`,
        ),
      );
  },
});
