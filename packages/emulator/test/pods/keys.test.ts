import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { PublicKeyAuthContext } from 'ssh2';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { AuthorizedKeys, generateHostKey, serverHostKey } from '../../src/pods/keys.ts';

const { utils } = ssh2;

function pair(type: 'ed25519' | 'ecdsa' = 'ed25519') {
  for (;;) {
    const keys =
      type === 'ed25519'
        ? utils.generateKeyPairSync('ed25519')
        : utils.generateKeyPairSync('ecdsa', { bits: 256 });
    const parsed = utils.parseKey(keys.private);
    if (!(parsed instanceof Error) && !Array.isArray(parsed)) return { ...keys, parsed };
  }
}

/** What ssh2's server hands the 'authentication' listener for a signed publickey request. */
function signedContext(
  publicBlob: Buffer,
  blob: Buffer,
  signature: Buffer | undefined,
): PublicKeyAuthContext {
  return {
    username: 'root',
    method: 'publickey',
    key: { algo: 'ssh-ed25519', data: publicBlob },
    blob,
    signature,
    hashAlgo: undefined,
  } as unknown as PublicKeyAuthContext;
}

describe('the pod server host key', () => {
  it('signs an ed25519 handshake exactly as ssh2 would (the same signature, from a key parsed once)', () => {
    const hostKey = generateHostKey();
    const key = serverHostKey(hostKey);
    const data = randomBytes(32);
    const ours = key.sign(data);
    const ssh2s = sign(null, data, createPrivateKey(key.getPrivatePEM()));
    expect(ours).toEqual(ssh2s);
    const parsedAgain = utils.parseKey(hostKey);
    if (parsedAgain instanceof Error || Array.isArray(parsedAgain)) throw new Error('parse');
    expect(parsedAgain.verify(data, ours as Buffer)).toBe(true);
  });

  it('keeps ssh2’s own signing for other key types', () => {
    const ecdsa = pair('ecdsa');
    const key = serverHostKey(ecdsa.private);
    const data = randomBytes(32);
    expect(key.verify(data, key.sign(data) as Buffer)).toBe(true);
  });
});

describe('authorized keys', () => {
  it('accepts a valid ed25519 signature and refuses a forged, truncated or foreign one', () => {
    const user = pair();
    const other = pair();
    const keys = new AuthorizedKeys([user.public]);
    const blob = user.parsed.getPublicSSH();
    const data = randomBytes(64);
    const signature = user.parsed.sign(data) as Buffer;
    expect(keys.check(signedContext(blob, data, signature))).toBe(true);
    // A query without a signature: the key is listed.
    expect(keys.check(signedContext(blob, data, undefined))).toBe(true);
    const forged = Buffer.from(signature);
    forged[10] = (forged[10] ?? 0) ^ 0xff;
    expect(keys.check(signedContext(blob, data, forged))).toBe(false);
    expect(keys.check(signedContext(blob, data, signature.subarray(0, 40)))).toBe(false);
    expect(keys.check(signedContext(blob, randomBytes(64), signature))).toBe(false);
    const otherSignature = other.parsed.sign(data) as Buffer;
    expect(keys.check(signedContext(blob, data, otherSignature))).toBe(false);
    expect(keys.check(signedContext(other.parsed.getPublicSSH(), data, otherSignature))).toBe(
      false,
    );
  });
});
