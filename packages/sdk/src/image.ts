/**
 * `publishImage`: build `DIR/Dockerfile` with the local Docker engine, push it, and make a Lium
 * template of the pushed digest. dockerode is loaded only when this runs (see docker-engine.ts),
 * so SDK users who never build an image never load or even install it.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '@lium/config';
import { DockerEngine, type EngineProgress, type RegistryAuth } from './docker-engine.ts';
import { LiumImageError } from './image-errors.ts';
import type { Lium } from './lium.ts';
import { type TemplateInfo, toTemplateInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { pollUntil } from './poll.ts';

/** The registry address Docker Hub credentials are stored under (`docker login`'s key). */
export const DOCKER_HUB_AUTH_ADDRESS = 'https://index.docker.io/v1/';

export interface PublishImageOptions extends CallOptions {
  /** The repository name under your registry user: `<user>/<name>`. */
  name: string;
  /** The build context; it must hold a `Dockerfile`. */
  dir: string;
  /** Default `latest`. */
  tag?: string | undefined;
  /** Registry host (`registry.example.com`, `127.0.0.1:5000`); default Docker Hub. */
  registry?: string | undefined;
  /** Wait for the platform to verify the template (default true). */
  wait?: boolean;
  /** How long verification may take (default 300 000 ms, as the official client waits). */
  timeoutMs?: number;
  /** First poll interval while verifying (default 2 000 ms; it grows to 10 s). */
  pollIntervalMs?: number;
  /** `docker build --network`, e.g. `none` for builds that must not reach the network. */
  buildNetwork?: string | undefined;
  /** Where DOCKER_HOST, DOCKER_USERNAME/DOCKER_PASSWORD and LIUM_* come from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Build steps, layer pushes and phase changes, for a progress view. */
  onProgress?: ((event: ImageProgress) => void) | undefined;
}

/** The steps of {@link publishImage}, in order: engine, registry login, build, push, template, verification. */
export type ImagePhase = 'connect' | 'login' | 'build' | 'push' | 'template' | 'verify';

/** Progress of {@link publishImage}: its phases, and the engine's build and push steps. */
export type ImageProgress =
  | {
      /** A new phase started. */
      type: 'phase';
      /** Which one. */
      phase: ImagePhase;
      /** A line saying what it does, for a progress view. */
      text: string;
    }
  | EngineProgress;

/** Where the registry login came from; the password itself is never returned. */
export type DockerLoginSource = 'env' | 'config' | 'account';

/** What {@link publishImage} made: the pushed image and the template over it. */
export interface PublishedImage {
  /** The new template's id, for {@link Lium.startPod}. */
  templateId: string;
  /** `<registry/><user>/<name>:<tag>`. */
  image: string;
  /** The manifest digest the registry stored (`sha256:…`). */
  digest: string;
  /** The template's status: `VERIFY_SUCCESS`, or `VERIFY_PENDING` with `wait: false`. */
  status: string;
  /** The template as the platform has it now. */
  template: TemplateInfo;
  /** Where the registry login came from: environment, Docker config, or the account. */
  loginSource: DockerLoginSource;
}

interface DockerLogin {
  username: string;
  password: string;
  source: DockerLoginSource;
  /** The account credential the verifier can pull with, when the login is one of them. */
  credentialId: string | undefined;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Builds, pushes and registers an image as a template; by default waits until the platform has
 * verified it. Throws {@link LiumImageError} for every step that fails (its `code` says which).
 */
export async function publishImage(
  lium: Lium,
  options: PublishImageOptions,
): Promise<PublishedImage> {
  const env = options.env ?? process.env;
  const { signal } = options;
  const report = (phase: ImagePhase, text: string) =>
    options.onProgress?.({ type: 'phase', phase, text });
  const tag = options.tag ?? 'latest';
  checkInput(options.name, tag, options.registry);
  const dir = resolve(options.dir);
  await assertDockerfile(dir);
  const registry =
    options.registry === undefined || DOCKER_HUB_HOSTS.has(options.registry.toLowerCase())
      ? undefined
      : options.registry;

  // Fail on a missing API key now, not after a long build and push.
  const api = await lium.getApiClient();
  report('connect', 'Connecting to Docker');
  const engine = await DockerEngine.connect(env, signal);
  const login = await resolveLogin(lium, env, signal);
  const repository = `${registry === undefined ? '' : `${registry}/`}${login.username.toLowerCase()}/${options.name}`;
  const image = `${repository}:${tag}`;
  const auth: RegistryAuth = {
    username: login.username,
    password: login.password,
    serveraddress: registry ?? DOCKER_HUB_AUTH_ADDRESS,
  };
  report('login', `Logging in to ${registry ?? 'Docker Hub'} as ${login.username}`);
  await engine.login(auth, signal);

  report('build', `Building ${image} from ${join(dir, 'Dockerfile')}`);
  await engine.build(dir, image, {
    network: options.buildNetwork,
    signal,
    onProgress: options.onProgress,
  });

  report('push', `Pushing ${image}`);
  const digest = await engine.push(repository, tag, auth, {
    signal,
    onProgress: options.onProgress,
  });

  report('template', `Creating a template for ${options.name}:${tag}`);
  const created = toTemplateInfo(
    await api.createTemplate(
      {
        name: options.name,
        dockerImage: repository,
        dockerImageTag: tag,
        dockerImageDigest: digest,
        internalPorts: [22, 8000],
        startupCommands: '',
        category: 'UBUNTU',
        containerStartImmediately: true,
        description: options.name,
        entrypoint: '',
        environment: {},
        isPrivate: true,
        oneTimeTemplate: false,
        isTemporary: false,
        readme: options.name,
        volumes: ['/workspace'],
        dockerCredentialId: login.credentialId,
      },
      { signal },
    ),
  );
  const result = (template: TemplateInfo): PublishedImage => ({
    templateId: template.id,
    image,
    digest,
    status: template.status ?? 'VERIFY_PENDING',
    template,
    loginSource: login.source,
  });
  if (options.wait === false) return result(created);

  report('verify', `Waiting for Lium to verify template ${created.id}`);
  return result(await waitForVerification(lium, created, login, options));
}

function checkInput(name: string, tag: string, registry: string | undefined): void {
  if (!NAME.test(name) || name.length > 255) {
    throw new LiumImageError(`"${name}" is not a valid image name`, {
      code: 'image_invalid',
      hint: 'Use lowercase letters, digits and separators (. _ -), e.g. my-model.',
    });
  }
  if (!TAG.test(tag)) {
    throw new LiumImageError(`"${tag}" is not a valid image tag`, {
      code: 'image_invalid',
      hint: 'A tag is up to 128 letters, digits, _ . and -, not starting with . or -.',
    });
  }
  if (registry !== undefined && !REGISTRY.test(registry)) {
    throw new LiumImageError(`"${registry}" is not a registry host`, {
      code: 'image_invalid',
      hint: 'Give a host with an optional port, e.g. registry.example.com or 127.0.0.1:5000.',
    });
  }
}

async function assertDockerfile(dir: string): Promise<void> {
  const dockerfile = join(dir, 'Dockerfile');
  const found = await stat(dockerfile).catch(() => undefined);
  if (found?.isFile()) return;
  throw new LiumImageError(`No Dockerfile at ${dockerfile}`, {
    code: 'dockerfile_missing',
    hint: 'Give the directory that holds your Dockerfile.',
  });
}

/**
 * The registry login: DOCKER_USERNAME/DOCKER_PASSWORD, then `docker.username`/`docker.password`
 * in the config (or LIUM_DOCKER_USERNAME/LIUM_DOCKER_PASSWORD), then the account's first
 * `/docker-credentials`. A login the account also holds is linked to the template, so the
 * verifier can pull a private image with it.
 */
async function resolveLogin(
  lium: Lium,
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal | undefined,
): Promise<DockerLogin> {
  const settings = await lium.getSettings();
  const config = await loadConfig({ configDir: settings.configDir, env });
  const pairs: [DockerLoginSource, string, string | undefined, string | undefined][] = [
    ['env', 'DOCKER_USERNAME / DOCKER_PASSWORD', env.DOCKER_USERNAME, env.DOCKER_PASSWORD],
    [
      'config',
      'docker.username / docker.password',
      config.get('docker.username'),
      config.get('docker.password'),
    ],
  ];
  let local: { source: DockerLoginSource; username: string; password: string } | undefined;
  for (const [source, label, username, password] of pairs) {
    const user = username?.trim();
    if (!user && !password) continue;
    if (!user || !password) {
      throw new LiumImageError(`${label}: only the ${user ? 'username' : 'password'} is set`, {
        code: 'docker_credentials_missing',
        hint: `Set both (${label}).`,
      });
    }
    local = { source, username: user, password };
    break;
  }
  let account: { id: string; username: string; password: string }[] = [];
  if (settings.apiKey) {
    try {
      account = await (await lium.getApiClient()).getDockerCredentials({ signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // A server without the endpoint (or a hiccup) only matters when nothing else is set.
      if (local === undefined) throw error;
    }
  }
  if (local !== undefined) {
    const same = account.find(
      (c) => c.username === local.username && c.password === local.password,
    );
    return { ...local, credentialId: same?.id };
  }
  const [first] = account;
  if (first?.username && first.password) {
    return {
      source: 'account',
      username: first.username,
      password: first.password,
      credentialId: first.id,
    };
  }
  throw new LiumImageError('No registry login to push with', {
    code: 'docker_credentials_missing',
    hint: 'Set DOCKER_USERNAME and DOCKER_PASSWORD, or the docker.username and docker.password settings.',
  });
}

async function waitForVerification(
  lium: Lium,
  created: TemplateInfo,
  login: DockerLogin,
  options: PublishImageOptions,
): Promise<TemplateInfo> {
  const verified = await pollUntil(
    async () => {
      const template = await lium.getTemplate(created.id, { signal: options.signal });
      if (template.status === 'VERIFY_SUCCESS') return template;
      if (template.status === 'VERIFY_FAILED') {
        const logs = template.raw.verification_logs;
        throw new LiumImageError(`Lium could not verify the image: ${logs || 'no log'}`, {
          code: 'template_verify_failed',
          templateId: template.id,
          ...(logs ? { details: logs } : {}),
          hint:
            login.credentialId === undefined
              ? "A private image needs its registry login among your Lium account's Docker credentials (the verifier pulls with those); else fix the image and run again."
              : 'Fix the image (it must exist in the registry and start) and run the command again.',
        });
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 300_000,
      intervalMs: options.pollIntervalMs ?? 2_000,
      maxIntervalMs: 10_000,
      signal: options.signal,
    },
  );
  if (verified) return verified;
  throw new LiumImageError(`Template ${created.id} was not verified in time`, {
    code: 'template_not_verified',
    templateId: created.id,
    hint: `Check template ${created.name} again later; verification of large images can take minutes.`,
  });
}
