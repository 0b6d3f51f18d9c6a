import type { SshKeyInfo } from '@lium/sdk';
import type { Argv, InferredOptionTypes } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError } from '../errors.ts';
import { options, text } from '../options.ts';
import { plural } from '../pods.ts';

/** A key as `--json` shows it (the same fields in every ssh-keys subcommand). */
export function sshKeyJson(key: SshKeyInfo, local: boolean): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    fingerprint: key.fingerprint,
    public_key: key.publicKey,
    created_at: key.createdAt ?? null,
    local,
  };
}

function keyLabel(key: SshKeyInfo): string {
  return key.name ? `${key.name} (${key.fingerprint})` : key.fingerprint;
}

/** Fingerprints of the local key(s) lium signs in with; none when no key file is set up. */
async function localFingerprints(ctx: CommandContext): Promise<Set<string>> {
  const { fingerprintPublicKey } = await import('@lium/sdk');
  const lium = await ctx.lium();
  try {
    return new Set((await lium.getSshKey()).publicKeys.map(fingerprintPublicKey));
  } catch {
    return new Set();
  }
}

async function listKeys(ctx: CommandContext): Promise<void> {
  const { listSshKeyInfos } = await import('@lium/sdk');
  const lium = await ctx.lium();
  const keys = await listSshKeyInfos(await lium.getApiClient(), { signal: ctx.signal });
  const local = await localFingerprints(ctx);
  ctx.out.result(
    keys.map((key) => ({ key, local: local.has(key.fingerprint) })),
    {
      json: ({ key, local }) => sshKeyJson(key, local),
      columns: [
        { header: 'NAME', cell: ({ key }) => key.name },
        { header: 'FINGERPRINT', cell: ({ key }) => key.fingerprint },
        { header: 'TYPE', cell: ({ key }) => key.publicKey.split(' ')[0] ?? '' },
        { header: 'ID', cell: ({ key }, c) => c.dim(key.id) },
        { header: 'LOCAL', cell: ({ local }) => (local ? '✓' : '') },
      ],
      empty: {
        message: 'No SSH keys on the account. Add yours with `lium ssh-keys sync`.',
      },
      footer: '✓ = the key lium uses here. `lium ssh-keys rm NAME` removes one.',
    },
  );
}

async function addKey(ctx: CommandContext, path: string | undefined, name: string | undefined) {
  const sdk = await import('@lium/sdk');
  const lium = await ctx.lium();
  const line =
    path !== undefined
      ? await sdk.readPublicKeyFile(path)
      : ((await lium.getSshKey()).publicKeys[0] ?? '');
  const { key, added } = await sdk.addSshKey(await lium.getApiClient(), line, {
    name,
    signal: ctx.signal,
  });
  const local = (await localFingerprints(ctx)).has(key.fingerprint);
  const { out } = ctx;
  if (out.json) out.printJson({ ...sshKeyJson(key, local), added });
  else if (added) out.success(`Added SSH key ${keyLabel(key)}`);
  else out.info(`The account has this key already: ${keyLabel(key)}`);
}

async function removeKey(ctx: CommandContext, ref: string): Promise<void> {
  const sdk = await import('@lium/sdk');
  const lium = await ctx.lium();
  const api = await lium.getApiClient();
  const key = sdk.findAccountSshKey(await sdk.listSshKeyInfos(api, { signal: ctx.signal }), ref);
  const local = (await localFingerprints(ctx)).has(key.fingerprint);
  await ctx.confirm(
    `Remove SSH key ${keyLabel(key)} from the account?${local ? ' It is the key lium uses here: new pods get it again at the next `lium up`.' : ' New pods will not accept it.'}`,
    'remove an SSH key',
  );
  const { configDir } = await lium.getSettings();
  try {
    await sdk.deleteAccountSshKey(api, key, { signal: ctx.signal, configDir });
  } catch (error) {
    if ((error as CliError).code !== 'target_not_found') throw error;
    throw new CliError(`SSH key ${key.id} is not on the account (any more)`, {
      code: 'target_not_found',
      hint: 'Run `lium ssh-keys` to see the keys it has.',
    });
  }
  if (ctx.out.json) ctx.out.printJson({ removed: sshKeyJson(key, local) });
  else ctx.out.success(`Removed SSH key ${keyLabel(key)}`);
}

async function syncKeys(ctx: CommandContext): Promise<void> {
  const { fingerprintPublicKey } = await import('@lium/sdk');
  const lium = await ctx.lium();
  const { publicKeys } = await lium.getSshKey();
  const { registered } = await lium.syncSshKeys({ signal: ctx.signal });
  const { out } = ctx;
  if (out.json) {
    out.printJson({
      registered: registered.map((line) => ({
        fingerprint: fingerprintPublicKey(line),
        public_key: line.split(/\s+/).slice(0, 2).join(' '),
      })),
      local_keys: publicKeys.length,
    });
    return;
  }
  if (registered.length > 0) {
    out.success(`Registered ${plural(registered.length, 'local key')} with the account`);
  } else {
    out.info(`The account has your local ${publicKeys.length === 1 ? 'key' : 'keys'} already.`);
  }
}

const SSH_KEY_OPTIONS = options({ name: text('With add: the name the key gets on the account') });

/** The root flags plus `--name`, which `ssh-keys add` reads. */
type SshKeysArgs = GlobalArgs & InferredOptionTypes<typeof SSH_KEY_OPTIONS>;

function subcommands(yargs: Argv<SshKeysArgs>, ctx: CommandContext): Argv<SshKeysArgs> {
  return yargs
    .command(
      'list',
      "List the account's SSH keys",
      (y) => y,
      () => listKeys(ctx),
    )
    .command(
      'add [path]',
      'Add a public key to the account (default: the key lium uses here)',
      (y) =>
        y
          .positional('path', { type: 'string', describe: 'A public key file (.pub)' })
          .example('lium ssh-keys add ~/.ssh/laptop.pub --name laptop', 'add another key'),
      (args) => addKey(ctx, args.path, args.name),
    )
    .command(
      'rm <key>',
      'Remove a key from the account (by id, name or fingerprint)',
      (y) =>
        y
          .positional('key', {
            type: 'string',
            demandOption: true,
            describe: 'Key id, name or fingerprint (see `lium ssh-keys`)',
          })
          .example('lium ssh-keys rm laptop -y', 'remove the key named laptop'),
      (args) => removeKey(ctx, args.key),
    )
    .command(
      'sync',
      'Register the local key(s) with the account, as `lium up` does before renting',
      (y) => y,
      () => syncKeys(ctx),
    );
}

export default defineCommand({
  builder: (yargs, ctx) =>
    // Declared here, not on `add` alone, so completion and `--help` of `ssh-keys` show it.
    subcommands(yargs.options(SSH_KEY_OPTIONS), ctx)
      .example('lium ssh-keys', "list the account's keys (✓ marks the one used here)")
      .example('lium ssh-keys sync', 'register the local key with the account'),
  async handler(_args, ctx) {
    // `lium ssh-keys` alone lists, like `lium ssh-keys list`.
    await listKeys(ctx);
  },
});
