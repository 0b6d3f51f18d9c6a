import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openConfig } from '../config-store.ts';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError } from '../errors.ts';
import { localPath } from '../local-files.ts';
import { options, text } from '../options.ts';

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

/** `ssh-keygen -t ed25519` without a passphrase, at `path`. */
async function createSshKey(path: string, ctx: CommandContext): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lium', '-f', path], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...ctx.io.env },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', () =>
      reject(
        new CliError('ssh-keygen is not installed', {
          code: 'ssh_keygen_missing',
          hint: 'Install OpenSSH, or pass --ssh-key with an existing key.',
        }),
      ),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new CliError(`ssh-keygen failed: ${stderr.trim() || `exit ${code}`}`, {
              code: 'ssh_keygen_failed',
            }),
          ),
    );
  });
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

    // 1. API key: --api-key, else a prompt on a terminal, else what the config/env already has.
    const existingKey = config.get('api.api_key');
    let apiKey =
      args.apiKey ?? (ctx.interactive ? await promptApiKey(ctx, existingKey) : existingKey);
    apiKey = apiKey?.trim();
    if (!apiKey) {
      throw new CliError('No API key given', {
        code: 'api_key_missing',
        hint: 'Pass --api-key or set LIUM_API_KEY (or run `lium init` in a terminal to be asked).',
      });
    }
    const home = io.env.HOME;
    // The profile may not exist yet, and must not borrow another profile's URL or key: the
    // probe gets everything it needs explicitly.
    const baseUrl = args.baseUrl ?? config.get('api.base_url') ?? DEFAULT_BASE_URL;
    const { [PROFILE_ENV_VAR]: _profile, ...envWithoutProfile } = io.env;
    const probe = new Lium({
      apiKey,
      baseUrl,
      env: envWithoutProfile,
      ...(home ? { homeDir: home } : {}),
      api: { source: 'cli' },
    });
    try {
      const me = await probe.getMe({ signal: ctx.signal });
      out.success(`API key works${typeof me.email === 'string' ? ` (${me.email})` : ''}`);
    } finally {
      await probe.close();
    }

    // 2. SSH key: --ssh-key, else the usual ~/.ssh keys, else offer to make one.
    const findKey = (path?: string) =>
      findSshKey({ ...(path ? { keyPath: path } : {}), ...(home ? { homeDir: home } : {}) });
    const configuredKey = args.sshKey ?? config.get('ssh.key_path');
    let key: { privateKeyPath: string; publicKeyPath: string };
    try {
      key = await findKey(configuredKey ? localPath(configuredKey, io) : undefined);
    } catch (error) {
      if (configuredKey || !home) throw error;
      const path = join(home, '.ssh', 'id_ed25519');
      await ctx.confirm(`No SSH key found. Create ${path}?`, 'create an SSH key');
      await createSshKey(path, ctx);
      out.success(`Created ${path}`);
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
