import { spawn } from 'node:child_process';
import type { Argv } from 'yargs';
import { CONFIG_ACTIONS } from '../command-words.ts';
import { type ConfigStore, openConfig } from '../config-store.ts';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { nearest } from '../nearest.ts';
import { echo } from '../options.ts';
import { renderTable } from '../output/table.ts';

/** Keys whose values are secrets: `show` masks them, so they never land in scrollback. */
const SECRET_KEYS = /(^|\.)(api_key|.*secret.*|.*token.*|.*password.*)$/i;

export function maskSecret(value: string): string {
  if (value.length <= 8) return '••••';
  return `${'•'.repeat(8)}${value.slice(-4)}`;
}

/** The active profile's view of the file (`--profile`, else `$LIUM_PROFILE`, else default). */
function loadConfigFor(ctx: CommandContext, create = false): Promise<ConfigStore> {
  return openConfig(ctx.io, { profile: ctx.globals.profile, create });
}

const PROFILES_EPILOG = `Keys \`config set\` accepts: api.api_key, api.base_url, ssh.key_path, ssh.user,
template.default_id, budget.max_hourly, budget.max_price, funding.wallet_path,
funding.default_wallet, pay.api_key, pay.url, docker.username, docker.password, ui.theme,
provider.coldkey, provider.hotkey, workspace.NAME.api_key (a typo is refused with a suggestion).

Profiles: several accounts in one config.ini. The file's ordinary sections are the
"default" profile; each [profile NAME] section is another, its options named by the dotted
keys (api.api_key, api.base_url, ssh.key_path, template.default_id):

  [profile work]
  api.api_key = …
  api.base_url = https://lium.io/api

Choose one with --profile NAME, else $LIUM_PROFILE, else "default". A named profile never
falls back to the default profile's values; environment variables (LIUM_API_KEY, …) still
win. Index snapshots, pinned host keys and \`lium ssh-config\` are per profile.
Create one with \`lium init --profile NAME\`; list them with \`lium config profiles\`.`;

/**
 * `config set` writes only keys something reads: a typo is refused (exit 2) with the nearest
 * known key, instead of being saved where nothing looks.
 */
async function assertKnownKey(key: string): Promise<void> {
  const { isKnownConfigKey, KNOWN_CONFIG_KEYS } = await import('@lium/sdk');
  if (isKnownConfigKey(key)) return;
  const guess = nearest(key.toLowerCase(), KNOWN_CONFIG_KEYS);
  throw new CliUsageError(
    `Unknown config key ${echo(key)}.${guess ? ` Did you mean ${guess}?` : ''}`,
    `Known keys: ${KNOWN_CONFIG_KEYS.join(', ')} (and workspace.NAME.api_key); see \`lium config --help\`.`,
  );
}

function describeProfile(config: ConfigStore): string {
  return config.profile === 'default' ? '' : ` (profile ${config.profile})`;
}

function subcommands(yargs: Argv<GlobalArgs>, ctx: CommandContext): Argv<GlobalArgs> {
  return yargs
    .command(
      'set <key> <value>',
      'Set a value, e.g. `lium config set ssh.key_path ~/.ssh/work`',
      (y) =>
        y
          .positional('key', { type: 'string', demandOption: true })
          .positional('value', { type: 'string', demandOption: true }),
      async (args) => {
        await assertKnownKey(args.key);
        // Setting a key in a new profile creates its section.
        const config = await loadConfigFor(ctx, true);
        config.set(args.key, String(args.value));
        await config.save();
        const shadow = config.getEnvVar(args.key);
        if (ctx.out.json)
          ctx.out.printJson({ key: args.key, path: config.path, profile: config.profile });
        else ctx.out.success(`Set ${args.key} in ${config.path}${describeProfile(config)}`);
        if (shadow)
          ctx.out.warn(`${shadow} is set in your environment and still wins over the file.`);
      },
    )
    .command(
      'get <key>',
      'Print one value (from the environment or the file)',
      (y) => y.positional('key', { type: 'string', demandOption: true }),
      async (args) => {
        const config = await loadConfigFor(ctx);
        const value = config.get(args.key);
        if (ctx.out.json) {
          ctx.out.printJson({
            key: args.key,
            value: value ?? null,
            source: config.getSource(args.key) ?? null,
          });
          return;
        }
        if (value === undefined) {
          throw new CliError(`${args.key} is not set`, {
            code: 'config_key_unset',
            hint: `Set it with \`lium config set ${args.key} <value>\`; \`lium config show\` lists what is set.`,
          });
        }
        ctx.out.print(value);
      },
    )
    .command(
      'unset <key>',
      'Remove a value from the file',
      (y) => y.positional('key', { type: 'string', demandOption: true }),
      async (args) => {
        const config = await loadConfigFor(ctx);
        const removed = config.unset(args.key);
        if (removed) await config.save();
        if (ctx.out.json) ctx.out.printJson({ key: args.key, removed });
        else if (removed) ctx.out.success(`Removed ${args.key}`);
        else ctx.out.info(`${args.key} was not set in ${config.path}`);
      },
    )
    .command(
      'show',
      'List every setting and where it comes from (secrets masked)',
      (y) => y,
      async () => {
        const config = await loadConfigFor(ctx);
        const entries = config.list().map((entry) => ({
          key: entry.key,
          value: SECRET_KEYS.test(entry.key) ? maskSecret(entry.value) : entry.value,
          source: entry.source === 'env' ? (entry.envVar ?? 'env') : 'file',
        }));
        if (ctx.out.json) {
          ctx.out.printJson({ path: config.path, profile: config.profile, settings: entries });
          return;
        }
        ctx.out.info(ctx.out.c.dim(`${config.path}${describeProfile(config)}`));
        if (entries.length === 0) {
          ctx.out.info('Nothing set yet. Run `lium init`.');
          return;
        }
        const c = ctx.out.data;
        ctx.out.print(
          renderTable(
            [{ header: 'KEY' }, { header: 'VALUE' }, { header: 'FROM' }],
            entries.map((entry) => [entry.key, entry.value, c.dim(entry.source)]),
            c,
          ),
        );
      },
    )
    .command(
      'path',
      'Print the config file path',
      (y) => y,
      async () => {
        const config = await loadConfigFor(ctx);
        if (ctx.out.json) ctx.out.printJson({ path: config.path });
        else ctx.out.print(config.path);
      },
    )
    .command(
      'edit',
      'Open the config file in $VISUAL / $EDITOR',
      (y) => y,
      async () => {
        const config = await loadConfigFor(ctx);
        // Make sure the file exists (0600) before handing it to an editor.
        await config.save();
        const editor = ctx.io.env.VISUAL || ctx.io.env.EDITOR || 'vi';
        const code = await new Promise<number>((resolve, reject) => {
          const child = spawn(`${editor} "$LIUM_EDIT_FILE"`, {
            shell: true,
            stdio: 'inherit',
            env: { ...ctx.io.env, LIUM_EDIT_FILE: config.path },
          });
          child.on('error', reject);
          child.on('exit', (exitCode) => resolve(exitCode ?? 1));
        });
        if (code !== 0) {
          throw new CliError(`The editor exited with ${code}`, {
            code: 'editor_failed',
            hint: 'Set $EDITOR to an editor you have.',
          });
        }
        await loadConfigFor(ctx); // throws with file and line if the edit broke the file
        ctx.out.success(`Saved ${config.path}`);
      },
    )
    .command(
      'profiles',
      'List the profiles in the file (* marks the active one)',
      (y) => y,
      async () => {
        const active = await openConfig(ctx.io, { profile: ctx.globals.profile, create: true });
        const rows = await Promise.all(
          active.profiles().map(async (name) => {
            const view = await openConfig(ctx.io, { profile: name });
            return {
              name,
              active: name === active.profile,
              api_key_set: view.get('api.api_key') !== undefined,
              base_url: view.get('api.base_url') ?? null,
              ssh_key_path: view.get('ssh.key_path') ?? null,
            };
          }),
        );
        const missing = !active.hasProfile(active.profile);
        if (ctx.out.json) {
          ctx.out.printJson({
            path: active.path,
            active: missing ? null : active.profile,
            profiles: rows,
          });
        } else {
          ctx.out.info(ctx.out.c.dim(active.path));
          const c = ctx.out.data;
          ctx.out.print(
            renderTable(
              [
                { header: '' },
                { header: 'PROFILE' },
                { header: 'API KEY' },
                { header: 'BASE URL' },
              ],
              rows.map((row) => [
                row.active ? c.green('*') : '',
                row.active ? c.bold(row.name) : row.name,
                row.api_key_set ? 'set' : c.dim('—'),
                row.base_url ?? c.dim('(default)'),
              ]),
              c,
            ),
          );
        }
        if (missing) {
          const from = active.profileSource === 'env' ? '$LIUM_PROFILE' : '--profile';
          ctx.out.warn(
            `${from} names "${active.profile}", which is not in the file: create it with \`lium init --profile ${active.profile}\`.`,
          );
        }
      },
    )
    .epilog(PROFILES_EPILOG)
    .demandCommand(1, `Name a config action: ${CONFIG_ACTIONS.join(', ')}.`);
}

export default defineCommand({
  builder: (yargs, ctx) => subcommands(yargs, ctx),
  async handler() {
    // Only reached without a subcommand, which demandCommand already refuses.
  },
});
