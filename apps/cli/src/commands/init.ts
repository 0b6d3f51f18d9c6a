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
      .options(options({ 'ssh-key': text('Private (or .pub) key to use for pods') }))
      .example('lium init', 'asks for your API key and finds or creates an SSH key')
      .example('LIUM_API_KEY=… lium init --ssh-key ~/.ssh/id_ed25519', 'non-interactive'),
  async handler(args, ctx) {
    const { Lium } = await import('@lium/sdk');
    const { out, io } = ctx;
    const config = await openConfig(io);

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
    const connect = (sshKeyPath?: string) =>
      new Lium({
        apiKey: apiKey as string,
        env: io.env,
        ...(home ? { homeDir: home } : {}),
        ...(sshKeyPath ? { sshKeyPath } : {}),
        api: { source: 'cli' },
      });
    const probe = connect();
    try {
      const me = await probe.getMe({ signal: ctx.signal });
      out.success(`API key works${typeof me.email === 'string' ? ` (${me.email})` : ''}`);
    } finally {
      await probe.close();
    }

    // 2. SSH key: --ssh-key, else the usual ~/.ssh keys, else offer to make one.
    const findKey = async (path?: string) => {
      const lium = connect(path);
      try {
        return await lium.getSshKey();
      } finally {
        await lium.close();
      }
    };
    let key: { privateKeyPath: string; publicKeyPath: string };
    try {
      key = await findKey(args.sshKey ? localPath(args.sshKey, io) : undefined);
    } catch (error) {
      if (args.sshKey || !home) throw error;
      const path = join(home, '.ssh', 'id_ed25519');
      await ctx.confirm(`No SSH key found. Create ${path}?`, 'create an SSH key');
      await createSshKey(path, ctx);
      out.success(`Created ${path}`);
      key = await findKey(path);
    }

    config.set('api.api_key', apiKey);
    config.set('ssh.key_path', key.privateKeyPath);
    await config.save();
    if (out.json) {
      out.printJson({ config_path: config.path, ssh_key: key.publicKeyPath });
      return;
    }
    out.success(`SSH key ${key.publicKeyPath}`);
    out.success(`Saved ${config.path}`);
    out.info(out.c.dim('Next: `lium ls` to find a machine, `lium up <#>` to rent it.'));
  },
});
