/**
 * The Docker Engine side of `publishImage`: connect (honouring DOCKER_HOST), log in, build and
 * push through `dockerode`, which is imported only here and only when an image is built.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LiumImageError } from './image-errors.ts';

/** Credentials for a Docker registry, in the engine's own shape. */
export interface RegistryAuth {
  /** The registry user name. */
  username: string;
  /** Its password or access token; never logged. */
  password: string;
  /** `https://index.docker.io/v1/` for Docker Hub, else the registry host. */
  serveraddress: string;
}

/** What the engine streams while building and pushing, reduced to what a progress view needs. */
export type EngineProgress =
  | {
      /** A build step started (`Step 2/5 : RUN …`). */
      type: 'build_step';
      /** The step as the engine printed it. */
      text: string;
    }
  | {
      /** A layer's push progressed. */
      type: 'layer';
      /** The layer's short id. */
      id: string;
      /** `Preparing`, `Pushing`, `Pushed`, `Layer already exists`, … as the engine says it. */
      status: string;
      /** Bytes pushed so far, when the engine says. */
      current?: number | undefined;
      /** The layer's size in bytes, when the engine says. */
      total?: number | undefined;
    };

interface EngineMessage {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where DOCKER_HOST points, as dockerode options (`unix://`, `npipe://`, `tcp://`, `ssh://`). */
export async function engineOptions(env: Env): Promise<Docker.DockerOptions> {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { socketPath: await defaultSocket(env) };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length) };
  let url: URL;
  try {
    url = new URL(host.includes('//') ? host : `tcp://${host}`);
  } catch {
    throw badHost(host);
  }
  if (url.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badHost(host);
  }
  const tls = url.protocol === 'https:' || (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const options: Docker.DockerOptions = {
    protocol: tls ? 'https' : 'http',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : tls ? 2376 : 2375,
  };
  const certDir = env.DOCKER_CERT_PATH;
  if (tls && certDir) {
    const read = (name: string) => readFile(join(certDir, name));
    options.ca = await read('ca.pem');
    options.cert = await read('cert.pem');
    options.key = await read('key.pem');
  }
  return options;
}

/** Docker Desktop's per-user socket when it exists, else the system one (as the docker CLI). */
async function defaultSocket(env: Env): Promise<string> {
  const home = env.HOME;
  if (home) {
    const desktop = join(home, '.docker', 'run', 'docker.sock');
    if (
      await access(desktop).then(
        () => true,
        () => false,
      )
    )
      return desktop;
  }
  return '/var/run/docker.sock';
}

function badHost(host: string): LiumImageError {
  return new LiumImageError(`DOCKER_HOST "${host}" is not an address Docker understands`, {
    code: 'docker_unavailable',
    hint: 'Use unix:///path/docker.sock, tcp://HOST:PORT or ssh://USER@HOST, or unset DOCKER_HOST.',
  });
}

/** The engine's own message from a dockerode error (`(HTTP code 400) … - <message>`). */
function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown }).json;
  if (typeof json === 'object' && json !== null) {
    const message = (json as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message.trim();
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  return error instanceof Error ? error.message : String(error);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export class DockerEngine {
  private constructor(
    private readonly docker: Docker,
    /** For messages: where we looked for the engine. */
    readonly address: string,
  ) {}

  /** Loads dockerode and checks that the engine answers. */
  static async connect(env: Env, signal?: AbortSignal): Promise<DockerEngine> {
    let DockerClass: typeof Docker;
    try {
      DockerClass = (await import('dockerode')).default;
    } catch (error) {
      throw new LiumImageError('Building images needs the dockerode package', {
        code: 'dockerode_missing',
        hint: 'Install it next to @lium/sdk: npm install dockerode',
        cause: error,
      });
    }
    const options = await engineOptions(env);
    const docker = new DockerClass(options);
    const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
    const address =
      typeof modem.socketPath === 'string'
        ? modem.socketPath
        : `${String(modem.host)}:${String(modem.port)}`;
    try {
      // dockerode's typings lack ping's options; it reads `abortSignal` from them.
      await (docker.ping as (options: { abortSignal?: AbortSignal }) => Promise<unknown>).call(
        docker,
        signal === undefined ? {} : { abortSignal: signal },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = (error as { code?: unknown }).code;
      throw new LiumImageError(
        `Docker is not running (nothing answers at ${address}${typeof code === 'string' ? `: ${code}` : ''})`,
        {
          code: 'docker_unavailable',
          hint: 'Start Docker (e.g. `sudo systemctl start docker` or Docker Desktop), or point DOCKER_HOST at a running engine.',
          cause: error,
        },
      );
    }
    return new DockerEngine(docker, address);
  }

  /** Asks the registry (through the engine) whether the login is good. */
  async login(auth: RegistryAuth, signal?: AbortSignal): Promise<void> {
    try {
      // No abortSignal here: dockerode sends these options as the JSON body.
      await this.docker.checkAuth({ ...auth });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new LiumImageError(
        `The registry refused the login of ${auth.username}: ${engineMessage(error)}`,
        {
          code: 'docker_login_failed',
          hint: 'Check the docker.username / docker.password settings or DOCKER_USERNAME / DOCKER_PASSWORD.',
          cause: error,
        },
      );
    }
  }

  /** Builds `dir/Dockerfile` as `ref`; returns the image id. */
  async build(
    dir: string,
    ref: string,
    options: {
      network?: string | undefined;
      signal?: AbortSignal | undefined;
      onProgress?: ((event: EngineProgress) => void) | undefined;
    },
  ): Promise<string> {
    const entries = await readdir(dir);
    const recent: string[] = [];
    let stream: Readable;
    try {
      stream = (await this.docker.buildImage({ context: dir, src: entries }, {
        t: ref,
        dockerfile: 'Dockerfile',
        rm: true,
        forcerm: true,
        ...(options.network !== undefined ? { networkmode: options.network } : {}),
        ...(options.signal !== undefined ? { abortSignal: options.signal } : {}),
      } as Docker.ImageBuildOptions)) as Readable;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw buildFailed(engineMessage(error), error);
    }
    let imageId: string | undefined;
    for await (const message of jsonLines(stream, options.signal)) {
      if (message.error !== undefined || message.errorDetail?.message !== undefined) {
        const text = (message.errorDetail?.message ?? message.error ?? '').trim();
        throw buildFailed(text, undefined, recent);
      }
      if (message.aux?.ID) imageId = message.aux.ID;
      for (const line of (message.stream ?? '').split('\n')) {
        const text = line.trimEnd();
        if (!text) continue;
        recent.push(text);
        if (recent.length > 20) recent.shift();
        if (/^Step \d+\/\d+ : /.test(text)) options.onProgress?.({ type: 'build_step', text });
      }
    }
    if (imageId === undefined) {
      // The classic builder reports the id as text only.
      const built = recent.map((line) => /^Successfully built (\w+)/.exec(line)?.[1]).find(Boolean);
      if (built === undefined)
        throw buildFailed('the engine did not report an image', undefined, recent);
      imageId = built;
    }
    return imageId;
  }

  /** Pushes `repository:tag`; returns the manifest digest the registry stored. */
  async push(
    repository: string,
    tag: string,
    auth: RegistryAuth,
    options: {
      signal?: AbortSignal | undefined;
      onProgress?: ((event: EngineProgress) => void) | undefined;
    },
  ): Promise<string> {
    let stream: Readable;
    try {
      stream = (await this.docker.getImage(repository).push({
        tag,
        authconfig: auth,
        ...(options.signal !== undefined ? { abortSignal: options.signal } : {}),
      } as Docker.ImagePushOptions)) as Readable;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw pushFailed(`${repository}:${tag}`, engineMessage(error), statusOf(error), error);
    }
    let digest: string | undefined;
    for await (const message of jsonLines(stream, options.signal)) {
      if (message.error !== undefined || message.errorDetail?.message !== undefined) {
        const text = (message.errorDetail?.message ?? message.error ?? '').trim();
        throw pushFailed(`${repository}:${tag}`, text, undefined);
      }
      if (message.aux?.Digest) digest = message.aux.Digest;
      const status = message.status;
      if (message.id !== undefined && status !== undefined && /^[0-9a-f]{12,}$/.test(message.id)) {
        const { current, total } = message.progressDetail ?? {};
        options.onProgress?.({
          type: 'layer',
          id: message.id,
          status,
          current,
          total,
        });
      }
      digest ??= /digest: (sha256:[0-9a-f]{64})/.exec(status ?? '')?.[1];
    }
    if (digest === undefined) {
      throw pushFailed(`${repository}:${tag}`, 'the registry reported no digest', undefined);
    }
    return digest;
  }
}

function buildFailed(
  message: string,
  cause: unknown,
  recent: readonly string[] = [],
): LiumImageError {
  return new LiumImageError(`The image did not build: ${message}`, {
    code: 'image_build_failed',
    hint: 'Fix the Dockerfile (the line above says where) and run the command again.',
    ...(recent.length > 0 ? { details: recent.join('\n') } : {}),
    cause,
  });
}

function pushFailed(
  ref: string,
  message: string,
  status: number | undefined,
  cause?: unknown,
): LiumImageError {
  const denied = /denied|unauthori[sz]ed|authentication required|forbidden/i.test(message);
  return new LiumImageError(`The registry refused the push of ${ref}: ${message}`, {
    code: 'image_push_failed',
    hint: denied
      ? 'Check that this login may push to that repository (on Docker Hub: the username is the namespace).'
      : status === 404
        ? 'The image was not built locally; run the command again.'
        : 'Check that the registry is reachable from the Docker engine and try again.',
    cause,
  });
}

/** The engine's progress stream, one JSON object a line. */
async function* jsonLines(stream: Readable, signal?: AbortSignal): AsyncGenerator<EngineMessage> {
  const onAbort = () => stream.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  let buffer = '';
  try {
    for await (const chunk of stream) {
      buffer += String(chunk);
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line) continue;
        try {
          yield JSON.parse(line) as EngineMessage;
        } catch {
          yield { stream: line };
        }
      }
    }
    const rest = buffer.trim();
    if (rest) {
      let last: EngineMessage;
      try {
        last = JSON.parse(rest) as EngineMessage;
      } catch {
        last = { stream: rest };
      }
      yield last;
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
