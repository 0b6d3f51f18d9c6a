/**
 * What the emulator's template verifier knows about an image: whether its manifest really is in a
 * registry it can reach. The real verifier pulls the image; the emulator, which never leaves the
 * machine, sends `HEAD /v2/<repo>/manifests/<digest|tag>` to registries on loopback only.
 */

export interface RegistryCredential {
  username: string;
  password: string;
}

export type RegistryVerdict =
  /** The image names no registry host (Docker Hub): the emulator cannot check it and trusts it. */
  { kind: 'unchecked' } | { kind: 'found'; log: string } | { kind: 'missing'; log: string };

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;
const CHECK_TIMEOUT_MS = 5_000;
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** `127.0.0.1:5000/me/app` → host `127.0.0.1:5000`, repo `me/app`; `me/app` has no host. */
export function splitImage(image: string): { host: string | undefined; repo: string } {
  const slash = image.indexOf('/');
  if (slash < 0) return { host: undefined, repo: image };
  const first = image.slice(0, slash);
  // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
  if (/[.:]/.test(first) || first === 'localhost') {
    return { host: first, repo: image.slice(slash + 1) };
  }
  return { host: undefined, repo: image };
}

export async function checkImageInRegistry(
  image: string,
  reference: string,
  credential: RegistryCredential | undefined,
): Promise<RegistryVerdict> {
  const { host, repo } = splitImage(image);
  if (host === undefined) return { kind: 'unchecked' };
  const shown = `${host}/${repo}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
  if (!LOOPBACK_HOST.test(host)) {
    return {
      kind: 'missing',
      log: `Cannot pull ${shown}: registry ${host} is not reachable from the verifier (the emulator reaches registries on 127.0.0.1 only)`,
    };
  }
  const url = `http://${host}/v2/${repo}/manifests/${reference}`;
  const head = (authorization?: string) =>
    fetch(url, {
      method: 'HEAD',
      headers: {
        Accept: MANIFEST_TYPES,
        ...(authorization ? { Authorization: authorization } : {}),
      },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  try {
    let response = await head();
    if (response.status === 401 && credential !== undefined) {
      const basic = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      response = await head(`Basic ${basic}`);
    }
    if (response.ok) {
      const digest = response.headers.get('docker-content-digest');
      return {
        kind: 'found',
        log: `Pulled ${shown}${digest ? ` (${digest})` : ''}; ssh check passed`,
      };
    }
    const why =
      response.status === 404
        ? 'manifest unknown'
        : response.status === 401
          ? credential === undefined
            ? 'the registry wants credentials and the template has none (docker_credential_id)'
            : 'the registry refused the template credentials'
          : `registry answered HTTP ${response.status}`;
    return { kind: 'missing', log: `Cannot pull ${shown}: ${why}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return {
      kind: 'missing',
      log: `Cannot pull ${shown}: registry ${host} unreachable (${cause})`,
    };
  }
}
