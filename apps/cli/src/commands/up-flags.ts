/**
 * The flags of `lium up` that shape the container and what follows the rent (issue #15):
 * `-e/--env`, `--env-file`, `--internal-ports`, `--dockerfile`, `--entrypoint`, `--cmd`,
 * `--jupyter`, `--ssh-name`. up.ts only wires these: read and check them all before anything
 * is rented ({@link readUpFlags}), pass them to the rent, then {@link afterReady}.
 */
import type { ContainerOverrides, Lium, PodInfo } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { envFromOptions } from '../env-args.ts';
import { CliUsageError } from '../errors.ts';
import { jupyterPortOf, startJupyter } from '../jupyter-start.ts';
import { localPath, readLocalText, requireLocal } from '../local-files.ts';
import { flag, options, repeatable, text } from '../options.ts';
import { podLabel } from '../pods.ts';

/** The server refuses larger Dockerfiles; so does the official client, before sending. */
export const MAX_DOCKERFILE_BYTES = 64 * 1024;

export const UP_FLAG_OPTIONS = options({
  env: repeatable(
    "Container environment NAME=VALUE, or NAME to pass your own $NAME (keeps the value out of lium's argv; repeatable; never shown)",
    { alias: 'e' },
  ),
  'env-file': repeatable('Read container NAME=VALUE lines from this file (# comments; --env wins)'),
  'internal-ports': text('Ports inside the container to expose, e.g. 22,8000 (22 is always)'),
  dockerfile: text('Build and run this Dockerfile (at most 64 KiB) instead of a template'),
  entrypoint: text("Replace the image's entrypoint"),
  cmd: text('The command the container runs at start'),
  jupyter: flag('Start Jupyter on a mapped port once the pod is ready and print its URL'),
  'ssh-name': text('Name for your SSH key if the account does not have it yet'),
});

/** What the flags ask for, checked. */
export interface UpFlags {
  container: ContainerOverrides | undefined;
  dockerfileContent: string | undefined;
  jupyter: boolean;
  sshName: string | undefined;
}

interface UpFlagArgs {
  env?: string[] | undefined;
  envFile?: string[] | undefined;
  internalPorts?: string | undefined;
  dockerfile?: string | undefined;
  entrypoint?: string | undefined;
  cmd?: string | undefined;
  jupyter?: boolean | undefined;
  sshName?: string | undefined;
  image?: string | undefined;
  wait?: boolean | undefined;
}

async function readDockerfile(path: string, ctx: CommandContext): Promise<string> {
  const file = localPath(path, ctx.io);
  const { isDirectory, size } = await requireLocal(file, 'Dockerfile');
  if (isDirectory)
    throw new CliUsageError(`--dockerfile must be a file, not the directory ${path}`);
  if (size > MAX_DOCKERFILE_BYTES) {
    throw new CliUsageError(
      `--dockerfile ${path} is ${Math.ceil(size / 1024)} KiB; the limit is 64 KiB`,
      'Move large steps into an image of your own (`lium image`), and start FROM it.',
    );
  }
  const content = await readLocalText(file, 'Dockerfile');
  if (content.trim() === '') throw new CliUsageError(`--dockerfile ${path} is empty`);
  return content;
}

/** Every flag read and checked, files included: a mistake fails here, before any rent. */
export async function readUpFlags(args: UpFlagArgs, ctx: CommandContext): Promise<UpFlags> {
  const { parseInternalPorts } = await import('@lium/sdk');
  const env = await envFromOptions(args, ctx.io);
  const container: ContainerOverrides = {
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(args.entrypoint !== undefined ? { entrypoint: args.entrypoint } : {}),
    ...(args.cmd !== undefined ? { cmd: args.cmd } : {}),
    ...(args.internalPorts !== undefined
      ? { internalPorts: parseInternalPorts(args.internalPorts) }
      : {}),
  };
  const overrides = Object.keys(container).length > 0;
  let dockerfileContent: string | undefined;
  if (args.dockerfile !== undefined) {
    if (args.image !== undefined) {
      throw new CliUsageError('Give --dockerfile or --image, not both');
    }
    if (overrides) {
      throw new CliUsageError(
        '--env, --entrypoint, --cmd and --internal-ports change a template; --dockerfile has none',
        'Put ENV, ENTRYPOINT, CMD and EXPOSE in the Dockerfile instead.',
      );
    }
    dockerfileContent = await readDockerfile(args.dockerfile, ctx);
  }
  if (args.jupyter && args.wait === false) {
    throw new CliUsageError(
      '--jupyter waits for the pod; drop --no-wait',
      'Or start it later with `lium jupyter <pod>`.',
    );
  }
  return {
    container: overrides ? container : undefined,
    dockerfileContent,
    jupyter: args.jupyter === true,
    sshName: args.sshName,
  };
}

/** Before the rent: register the SSH key under `--ssh-name` (the rent then finds it known). */
export async function beforeRent(lium: Lium, flags: UpFlags, ctx: CommandContext): Promise<void> {
  if (flags.sshName === undefined) return;
  const result = await lium.syncSshKeys({ force: false, name: flags.sshName, signal: ctx.signal });
  if (result.registered.length > 0) {
    ctx.out.info(`Registered your SSH key as "${flags.sshName}"`);
  }
}

/** After the pods are ready: Jupyter on each (`--jupyter`), its URL by pod id. */
export async function afterReady(
  lium: Lium,
  pods: readonly PodInfo[],
  flags: UpFlags,
  ctx: CommandContext,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  if (!flags.jupyter) return urls;
  for (const pod of pods) {
    const spinner = ctx.out.spinner(`Starting Jupyter on ${podLabel(pod)}`);
    try {
      const started = await startJupyter(lium, pod, jupyterPortOf(pod), ctx.signal);
      urls.set(pod.id, started.url);
      spinner.succeed(`Jupyter on ${podLabel(pod)}: ${started.url}`);
    } catch (error) {
      spinner.stop();
      // The pod is rented and usable: say what failed and how to retry, and go on.
      ctx.out.warn(
        `${(error as Error).message}. The pod is running: try again with \`lium jupyter ${pod.huid}\`.`,
      );
      if (ctx.interrupted) break;
    }
  }
  return urls;
}
