import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Poly1305Module, useFastChaCha } from '../../src/pods/chacha.ts';

const require = createRequire(import.meta.url);
const lib = dirname(require.resolve('ssh2'));

interface Cipher {
  outSeqno: number;
  allocPacket(payloadLen: number): Buffer;
  encrypt(packet: Buffer): void;
}
interface Crypto {
  bindingAvailable: boolean;
  init: Promise<void>;
  CIPHER_INFO: Record<string, { sslName: string }>;
  createCipher(config: unknown): Cipher;
}

/** ssh2's own crypto module (its pure-JS chacha20-poly1305 here: no native binding is built). */
const reference = require(join(lib, 'protocol', 'crypto.js')) as Crypto;
const loadPoly1305 = () =>
  (require(join(lib, 'protocol', 'crypto', 'poly1305.js')) as () => Promise<Poly1305Module>)();

/** A crypto module whose createCipher has been given the pods' faster chacha20-poly1305. */
async function fastCrypto(): Promise<Crypto> {
  const crypto: Crypto = { ...reference };
  useFastChaCha(crypto, loadPoly1305);
  await crypto.init;
  return crypto;
}

function cipherOf(crypto: Crypto, key: Buffer, seqno: number) {
  const written: Buffer[] = [];
  const cipher = crypto.createCipher({
    outbound: {
      onWrite: (data: Buffer) => written.push(Buffer.from(data)),
      cipherInfo: crypto.CIPHER_INFO['chacha20-poly1305@openssh.com'],
      cipherKey: key,
      seqno,
    },
  });
  return { cipher, wire: () => Buffer.concat(written.splice(0)) };
}

describe.skipIf(reference.bindingAvailable)('the pods’ chacha20-poly1305', () => {
  it('puts on the wire exactly what ssh2’s own implementation does, packet after packet', async () => {
    await reference.init;
    const crypto = await fastCrypto();
    const key = randomBytes(64);
    // Sequence numbers near the 32-bit wrap, as a long transfer reaches them.
    const seqno = 2 ** 32 - 3;
    const ours = cipherOf(crypto, key, seqno);
    const theirs = cipherOf(reference, key, seqno);
    expect(ours.cipher.constructor).not.toBe(theirs.cipher.constructor);
    for (const size of [0, 1, 15, 16, 63, 64, 65, 1000, 32 * 1024, 32 * 1024 + 9, 255 * 1024]) {
      const packet = ours.cipher.allocPacket(size);
      // The length field is encrypted apart, so only what follows it is aligned (to 8).
      expect((packet.length - 4) % 8).toBe(0);
      expect(packet.readUInt32BE(0)).toBe(packet.length - 4);
      const padding = packet[4] as number;
      expect(padding).toBeGreaterThanOrEqual(4);
      expect(5 + size + padding).toBe(packet.length);
      randomBytes(size).copy(packet, 5);
      theirs.cipher.encrypt(Buffer.from(packet));
      ours.cipher.encrypt(packet);
      const wire = ours.wire();
      expect(wire.length).toBe(packet.length + 16);
      expect(wire.equals(theirs.wire())).toBe(true);
    }
    expect(ours.cipher.outSeqno).toBe(theirs.cipher.outSeqno);
    expect(ours.cipher.outSeqno).toBe(8);
  });

  it('keeps a packet intact when another is allocated before it is sent', async () => {
    await reference.init;
    const crypto = await fastCrypto();
    const key = randomBytes(64);
    const ours = cipherOf(crypto, key, 7);
    const theirs = cipherOf(reference, key, 7);
    for (let round = 0; round < 3; round += 1) {
      const first = ours.cipher.allocPacket(1000);
      const second = ours.cipher.allocPacket(2000);
      randomBytes(1000).copy(first, 5);
      randomBytes(2000).copy(second, 5);
      const copies = [Buffer.from(first), Buffer.from(second)];
      ours.cipher.encrypt(first);
      ours.cipher.encrypt(second);
      for (const copy of copies) theirs.cipher.encrypt(copy);
      expect(ours.wire().equals(theirs.wire())).toBe(true);
    }
  });

  it('pads with fresh random bytes, not a repeating pattern', async () => {
    const crypto = await fastCrypto();
    const { cipher } = cipherOf(crypto, randomBytes(64), 0);
    const paddings = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const packet = cipher.allocPacket(100);
      paddings.add(packet.subarray(105).toString('hex'));
    }
    expect(paddings.size).toBe(200);
  });
});
