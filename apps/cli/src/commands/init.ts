import { join } from 'node:path';
import { isLiumError } from '@lium/errors';
import { openConfig } from '../config-store.ts';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { localPath } from '../local-files.ts';
import { options, text } from '../options.ts';

/** Tries at the key prompt before init gives up. */
const MAX_KEY_TRIES = 3;

async function promptApiKey(ctx: CommandContext, current: string | undefined): Promise<string> {
  const { password, isCancel } = await import('@clack/prompts');
  const answer = await password({
    message: current
      ? 'Lium API key (Enter keeps the current one)'
      : 'Lium API key (from https://lium.io → API keys)',
    input: ctx.io.stdin as NodeJS.ReadStream,
    output: ctx.io.stderr as NodeJS.WriteStream,
    signal: ctx.signal,
  });
  if (isCancel(answer)) throw new CliInterruptedError('Cancelled', 'Nothing was changed.');
  const key = (answer ?? '').trim();
  return key || current || '';
}

/** Tries at the passphrase prompt (typed twice) before init gives up. */
const MAX_PASSPHRASE_TRIES = 3;

/**
 * A passphrase for a new key, hidden and typed twice; empty (Enter) for none. Only on a
 * terminal: without one, or with -y, the key is unencrypted, as before.
 */
async function promptPassphrase(ctx: CommandContext): Promise<string> {
  const { password, isCancel } = await import('@clack/prompts');
  const ask = async (message: string) => {
    const answer = await password({
      message,
      input: ctx.io.stdin as NodeJS.ReadStream,
      output: ctx.io.stderr as NodeJS.WriteStream,
      signal: ctx.signal,
    });
    if (isCancel(answer)) throw new CliInterruptedError('Cancelled', 'No key was created.');
    return answer ?? '';
  };
  ctx.out.info(
    ctx.out.c.dim(
      'A passphrase encrypts the key on disk; lium then uses it through ssh-agent (ssh-add) or LIUM_SSH_PASSPHRASE.',
    ),
  );
  for (let attempt = 1; ; attempt++) {
    const first = await ask('Passphrase for the new key (empty for none: stored unencrypted)');
    if (first === '') return '';
    if ((await ask('The same passphrase again')) === first) return first;
    if (attempt >= MAX_PASSPHRASE_TRIES) {
      throw new CliError('The passphrases did not match; no key was created', {
        code: 'passphrase_mismatch',
        hint: 'Run `lium init` again, or pass --ssh-key with a key you made yourself.',
      });
    }
    ctx.out.warn(
      `The passphrases did not match; try again (${MAX_PASSPHRASE_TRIES - attempt} ${MAX_PASSPHRASE_TRIES - attempt === 1 ? 'try' : 'tries'} left).`,
    );
  }
}

/** An ed25519 key at `path`, made in-process: a passphrase never reaches a command line. */
async function createSshKey(path: string, passphrase: string): Promise<void> {
  const { createSshKey: create } = await import('@lium/sdk');
  try {
    await create(path, { passphrase, comment: 'lium' });
  } catch (error) {
    throw new CliError(`Could not create ${path}: ${(error as Error).message}`, {
      code: 'ssh_keygen_failed',
      hint: 'Check that ~/.ssh is writable, or pass --ssh-key with an existing key.',
      cause: error,
    });
  }
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .options(
        options({
          'ssh-key': text('Private (or .pub) key to use for pods'),
          'base-url': text(
            'API base URL to save (e.g. a local emulator); default https://lium.io/api',
          ),
        }),
      )
      .example('lium init', 'asks for your API key and finds or creates an SSH key')
      .example(
        'lium init --profile work --ssh-key ~/.ssh/work',
        'a second account in [profile work] (then `lium --profile work ps`)',
      )
      .example('LIUM_API_KEY=… lium init --ssh-key ~/.ssh/id_ed25519', 'non-interactive'),
  async handler(args, ctx) {
    const { DEFAULT_BASE_URL, findSshKey, Lium, PROFILE_ENV_VAR } = await import('@lium/sdk');
    const { out, io } = ctx;
    // `--profile NAME` (or $LIUM_PROFILE) creates or updates [profile NAME].
    const config = await openConfig(io, { profile: args.profile, create: true });
    const named = config.profile !== 'default';

    // 1. API key: --api-key, else a prompt on a terminal (three tries), else what the
    // config/env already has.
    const existingKey = config.get('api.api_key');
    const prompting = args.apiKey === undefined && ctx.interactive;
    const home = io.env.HOME;
    // The profile may not exist yet, and must not borrow another profile's URL or key: the
    // probe gets everything it needs explicitly.
    const baseUrl = args.baseUrl ?? config.get('api.base_url') ?? DEFAULT_BASE_URL;
    const { [PROFILE_ENV_VAR]: _profile, ...envWithoutProfile } = io.env;
    const check = async (key: string) => {
      const probe = new Lium({
        apiKey: key,
        baseUrl,
        env: envWithoutProfile,
        ...(home ? { homeDir: home } : {}),
        api: { source: 'cli' },
      });
      try {
        return await probe.getMe({ signal: ctx.signal });
      } finally {
        await probe.close();
      }
    };
    let apiKey: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const typed = prompting ? await promptApiKey(ctx, existingKey) : (args.apiKey ?? existingKey);
      apiKey = typed?.trim();
      if (!apiKey) {
        // (CLI_HINTS gives api_key_missing a generic hint: the how-to is in the message.)
        throw new CliError(
          prompting
            ? 'No API key given: paste the key from https://lium.io → API keys'
            : 'No API key given: set LIUM_API_KEY=<key> and run `lium init` again, or run it in a terminal to be asked',
          { code: 'api_key_missing' },
        );
      }
      try {
        const me = await check(apiKey);
        out.success(`API key works${typeof me.email === 'string' ? ` (${me.email})` : ''}`);
        break;
      } catch (error) {
        // A mistyped or stale key at the prompt: ask again, up to three tries.
        const refused = isLiumError(error) && error.code === 'unauthenticated';
        if (!prompting || !refused || attempt >= MAX_KEY_TRIES) throw error;
        out.warn(
          `That key was refused; try again (${MAX_KEY_TRIES - attempt} ${MAX_KEY_TRIES - attempt === 1 ? 'try' : 'tries'} left).`,
        );
      }
    }

    // 2. SSH key: --ssh-key, else the usual ~/.ssh keys, else offer to make one.
    const findKey = (path?: string) =>
      findSshKey({ ...(path ? { keyPath: path } : {}), ...(home ? { homeDir: home } : {}) });
    const configuredKey = args.sshKey ?? config.get('ssh.key_path');
    let key: { privateKeyPath: string; publicKeyPath: string };
    try {
      key = await findKey(configuredKey ? localPath(configuredKey, io) : undefined);
    } catch (error) {
      if (args.sshKey !== undefined && isLiumError(error)) {
        // The user typed the path: name the flag, not the config key it would be saved as.
        throw new CliUsageError(
          `--ssh-key ${args.sshKey}: no SSH key there (looked for the private key and its .pub)`,
          'Give the path of an existing key, e.g. --ssh-key ~/.ssh/id_ed25519, or leave --ssh-key out to find or create one.',
        );
      }
      if (configuredKey || !home) throw error;
      const path = join(home, '.ssh', 'id_ed25519');
      await ctx.confirm(`No SSH key found. Create ${path}?`, 'create an SSH key');
      const passphrase = ctx.interactive && !args.yes ? await promptPassphrase(ctx) : '';
      await createSshKey(path, passphrase);
      out.success(
        `Created ${path}${passphrase ? ' (encrypted with your passphrase)' : ' (no passphrase)'}`,
      );
      if (passphrase) {
        out.info(
          out.c.dim(
            `To use it, run \`ssh-add ${path}\` (with ssh-agent running), or set LIUM_SSH_PASSPHRASE.`,
          ),
        );
      }
      key = await findKey(path);
    }

    config.set('api.api_key', apiKey);
    config.set('ssh.key_path', key.privateKeyPath);
    if (args.baseUrl) config.set('api.base_url', args.baseUrl);
    await config.save();
    if (out.json) {
      out.printJson({
        config_path: config.path,
        profile: config.profile,
        ssh_key: key.publicKeyPath,
      });
      return;
    }
    out.success(`SSH key ${key.publicKeyPath}`);
    out.success(`Saved ${config.path}${named ? ` [profile ${config.profile}]` : ''}`);
    const flag = named ? ` --profile ${config.profile}` : '';
    out.info(
      out.c.dim(`Next: \`lium${flag} ls\` to find a machine, \`lium${flag} up <#>\` to rent it.`),
    );
  },
});
