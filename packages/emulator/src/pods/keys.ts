import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { ParsedKey, PublicKeyAuthContext } from 'ssh2';
import { EmulatorError } from '../errors.ts';
import ssh2 from './ssh2.ts';

const { utils } = ssh2;

/**
 * A fresh ed25519 host key, as OpenSSH private key text.
 *
 * ssh2 1.17 writes an ed25519 key whose public half starts with a zero byte as a 31-byte key
 * (it strips the zero as if it were an mpint), which no parser accepts: about 1 key in 256.
 * Such keys are thrown away and another one made.
 */
export function generateHostKey(): string {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair.private;
  }
}

function parse(text: string, what: string): ParsedKey {
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    throw new EmulatorError(`${what} cannot be parsed`, {
      code: 'pod_key_invalid',
      hint: 'Pass keys in OpenSSH format (e.g. "ssh-ed25519 AAAA… comment").',
      ...(key instanceof Error ? { cause: key } : {}),
    });
  }
  return key;
}

/** `ssh-ed25519 AAAA…` for a private host key. */
export function publicKeyLine(privateKey: string): string {
  const key = parse(privateKey, 'The host key');
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

export function parseHostKey(privateKey: string): ParsedKey {
  const key = parse(privateKey, 'The host key');
  if (!key.isPrivateKey()) {
    throw new EmulatorError('The host key is a public key', {
      code: 'pod_key_invalid',
      hint: 'Pass the private host key (OpenSSH format), or omit it to get a new one.',
    });
  }
  return key;
}

/**
 * The host key for ssh2's `Server`, parsed once. ssh2's own `sign` hands the PEM text to
 * `crypto.sign`, which parses it again at every handshake (~0.9 ms of CPU per connection for
 * ed25519, against ~0.07 ms with a KeyObject): an ed25519 key signs with a KeyObject made once,
 * the same deterministic signature. Other key types keep ssh2's signing (their hash varies with
 * the negotiated algorithm).
 */
export function serverHostKey(privateKey: string): ParsedKey {
  const key = parseHostKey(privateKey);
  if (key.type !== 'ssh-ed25519') return key;
  const keyObject = createPrivateKey(key.getPrivatePEM());
  const signOnce = (data: Buffer): Buffer | Error => {
    try {
      return sign(null, data, keyObject);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  return Object.assign(key, { sign: signOnce });
}

/** A parsed ed25519 public key as a KeyObject (verifying with PEM text re-parses it each time). */
function ed25519KeyObject(key: ParsedKey): KeyObject | undefined {
  return key.type === 'ssh-ed25519' ? createPublicKey(key.getPublicPEM()) : undefined;
}

/** The keys a pod accepts, parsed once. Lines that are not public keys are an error. */
export class AuthorizedKeys {
  readonly #keys: { blob: Buffer; key: ParsedKey; keyObject: KeyObject | undefined }[];

  constructor(lines: readonly string[]) {
    this.#keys = lines
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const key = parse(line, 'An authorized key');
        return { blob: key.getPublicSSH(), key, keyObject: ed25519KeyObject(key) };
      });
  }

  /**
   * Accept only a listed key; when the client sent a signature (not just a query) it must
   * verify with that key.
   */
  check(ctx: PublicKeyAuthContext): boolean {
    const entry = this.#keys.find(
      ({ blob }) => blob.length === ctx.key.data.length && timingSafeEqual(blob, ctx.key.data),
    );
    if (!entry) return false;
    if (ctx.signature === undefined) return true;
    if (ctx.blob === undefined) return false;
    if (entry.keyObject) {
      try {
        return verify(null, ctx.blob, entry.keyObject, ctx.signature);
      } catch {
        return false;
      }
    }
    return entry.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
  }
}
