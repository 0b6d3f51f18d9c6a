import { createCipheriv, randomFillSync } from 'node:crypto';

/**
 * The pods' outbound `chacha20-poly1305@openssh.com`, cheaper per packet than ssh2 1.17's
 * pure-JS fallback (used whenever its optional native binding is not built, as here).
 *
 * OpenSSH's clients pick this cipher first, so it carries every `sftp`/`scp` download from a
 * pod. Per 32 KiB packet ssh2 creates three chacha20 ciphers (Poly1305 key, length, body),
 * copies the body into its Poly1305 module's stack through emscripten's `cwrap`, and draws the
 * padding from `randomFillSync` (a getpid(2) each). Here one cipher gives the Poly1305 key
 * (block 0) and then the body (block 1 on), the 4 length bytes come from one ChaCha20 block
 * computed in JS (cheaper than a cipher object for 4 bytes), the body is copied once into a
 * fixed region of the module's heap, and padding comes from a refilled random pool. The bytes
 * on the wire are the same: PROTOCOL.chacha20poly1305 in OpenSSH's source.
 */

export interface Poly1305Module {
  _malloc(size: number): number;
  _poly1305_auth(
    out: number,
    first: number,
    firstLen: number,
    second: number,
    secondLen: number,
    key: number,
  ): void;
  HEAPU8: Uint8Array;
}

interface OutboundConfig {
  outbound: {
    seqno: number;
    onWrite: (data: Buffer) => void;
    cipherKey: Buffer;
    cipherInfo: { sslName: string };
  };
}

/** The largest packet ssh2 sends: its payloads stay under 256 KiB, plus header and padding. */
const MAX_PACKET = 256 * 1024 + 64;
const POOL_SIZE = 64 * 1024;
/** Room for the largest channel packet OpenSSH's clients take (32 KiB of data) and its header. */
const SPARE_SIZE = 32 * 1024 + 64;
const BLOCK = 64;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

/** Random bytes for packet padding, drawn from a pool refilled 64 KiB at a time. */
class PaddingPool {
  private pool = Buffer.allocUnsafe(POOL_SIZE);
  private used = POOL_SIZE;
  fill(target: Buffer, offset: number, length: number): void {
    if (this.used + length > POOL_SIZE) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    this.pool.copy(target, offset, this.used, this.used + length);
    this.used += length;
  }
}

/** One Poly1305 region in the module's heap: message, key and tag, reused for every packet. */
class Poly1305 {
  private readonly message: number;
  private readonly key: number;
  private readonly tag: number;
  constructor(private readonly wasm: Poly1305Module) {
    this.message = wasm._malloc(MAX_PACKET + 4);
    this.key = wasm._malloc(32);
    this.tag = wasm._malloc(16);
    if (!this.message || !this.key || !this.tag) throw new Error('poly1305: out of memory');
  }
  /** The tag over `length` (4 bytes) then `body`, keyed by the first 32 bytes of `key`. */
  tagOf(length: Buffer, body: Buffer, key: Buffer): Buffer {
    if (body.length > MAX_PACKET) throw new Error('poly1305: packet too large');
    const heap = this.wasm.HEAPU8;
    heap.set(length, this.message);
    heap.set(body, this.message + 4);
    heap.set(key.subarray(0, 32), this.key);
    this.wasm._poly1305_auth(this.tag, this.message, 4, this.message + 4, body.length, this.key);
    return Buffer.from(heap.subarray(this.tag, this.tag + 16));
  }
}

/**
 * Word 0 of the ChaCha20 block (RFC 8439, 20 rounds) for `key` (8 little-endian words), block
 * counter 0 and the 64-bit nonce OpenSSH uses: the sequence number, big-endian. Its 4 bytes,
 * little-endian, are the keystream that encrypts a packet's length.
 */
export function firstKeystreamWord(key: Uint32Array, seqno: number): number {
  const k = key;
  // The nonce's last 4 bytes hold the sequence number big-endian; the state reads them LE.
  const n3 =
    (seqno >>> 24) | ((seqno >>> 8) & 0xff00) | ((seqno << 8) & 0xff0000) | (seqno << 24) | 0;
  let x0 = 0x61707865;
  let x1 = 0x3320646e;
  let x2 = 0x79622d32;
  let x3 = 0x6b206574;
  let x4 = k[0] as number;
  let x5 = k[1] as number;
  let x6 = k[2] as number;
  let x7 = k[3] as number;
  let x8 = k[4] as number;
  let x9 = k[5] as number;
  let x10 = k[6] as number;
  let x11 = k[7] as number;
  let x12 = 0;
  let x13 = 0;
  let x14 = 0;
  let x15 = n3;
  for (let round = 0; round < 10; round += 1) {
    // Columns.
    x0 = (x0 + x4) | 0;
    x12 ^= x0;
    x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0;
    x4 ^= x8;
    x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0;
    x12 ^= x0;
    x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0;
    x4 ^= x8;
    x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0;
    x13 ^= x1;
    x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0;
    x5 ^= x9;
    x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0;
    x13 ^= x1;
    x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0;
    x5 ^= x9;
    x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0;
    x14 ^= x2;
    x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0;
    x6 ^= x10;
    x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0;
    x14 ^= x2;
    x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0;
    x6 ^= x10;
    x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0;
    x15 ^= x3;
    x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0;
    x7 ^= x11;
    x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0;
    x15 ^= x3;
    x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0;
    x7 ^= x11;
    x7 = (x7 << 7) | (x7 >>> 25);
    // Diagonals.
    x0 = (x0 + x5) | 0;
    x15 ^= x0;
    x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0;
    x5 ^= x10;
    x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0;
    x15 ^= x0;
    x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0;
    x5 ^= x10;
    x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0;
    x12 ^= x1;
    x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0;
    x6 ^= x11;
    x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0;
    x12 ^= x1;
    x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0;
    x6 ^= x11;
    x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0;
    x13 ^= x2;
    x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0;
    x7 ^= x8;
    x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0;
    x13 ^= x2;
    x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0;
    x7 ^= x8;
    x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0;
    x14 ^= x3;
    x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0;
    x4 ^= x9;
    x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0;
    x14 ^= x3;
    x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0;
    x4 ^= x9;
    x4 = (x4 << 7) | (x4 >>> 25);
  }
  return (x0 + 0x61707865) | 0;
}

export class ChaChaPolyCipher {
  outSeqno: number;
  private readonly onWrite: (data: Buffer) => void;
  private readonly mainKey: Buffer;
  private readonly lengthKey: Uint32Array;
  private readonly iv = Buffer.alloc(16);
  private dead = false;
  /**
   * One packet buffer lent by allocPacket and taken back by encrypt, which leaves nothing of it
   * referenced (its output is new buffers): most packets cost no allocation. While it is out, as
   * when a packet is allocated and another is made before the first is sent, packets are new.
   */
  private spare = Buffer.allocUnsafeSlow(SPARE_SIZE);
  private spareLent = false;
  constructor(
    config: OutboundConfig,
    private readonly poly: Poly1305,
    private readonly padding: PaddingPool,
  ) {
    const out = config.outbound;
    this.outSeqno = out.seqno;
    this.onWrite = out.onWrite;
    this.mainKey = Buffer.from(out.cipherKey.subarray(0, 32));
    const lengthKey = out.cipherKey.subarray(32, 64);
    this.lengthKey = Uint32Array.from({ length: 8 }, (_, i) => lengthKey.readUInt32LE(4 * i));
  }
  free(): void {
    this.dead = true;
  }
  /** A packet for `payloadLen` bytes at offset 5, length and padding filled in (as ssh2's). */
  allocPacket(payloadLen: number): Buffer {
    let packetLen = 4 + 1 + payloadLen;
    let padLen = 8 - ((packetLen - 4) & 7);
    if (padLen < 4) padLen += 8;
    packetLen += padLen;
    let packet: Buffer;
    if (!this.spareLent && packetLen <= SPARE_SIZE) {
      this.spareLent = true;
      packet = this.spare.subarray(0, packetLen);
    } else packet = Buffer.allocUnsafe(packetLen);
    packet.writeUInt32BE(packetLen - 4, 0);
    packet[4] = padLen;
    this.padding.fill(packet, 5 + payloadLen, padLen);
    return packet;
  }
  encrypt(packet: Buffer): void {
    if (this.dead) return;
    // The nonce is the sequence number (big-endian, 64 bits); block counter 0.
    this.iv.writeUInt32BE(this.outSeqno, 12);
    const length = Buffer.allocUnsafe(4);
    length.writeInt32LE(packet.readInt32LE(0) ^ firstKeystreamWord(this.lengthKey, this.outSeqno));
    const main = createCipheriv('chacha20', this.mainKey, this.iv);
    const polyKey = main.update(ZERO_BLOCK);
    const body = main.update(packet.subarray(4));
    const tag = this.poly.tagOf(length, body, polyKey);
    this.onWrite(length);
    this.onWrite(body);
    this.onWrite(tag);
    this.outSeqno = (this.outSeqno + 1) >>> 0;
    if (packet.buffer === this.spare.buffer) this.spareLent = false;
  }
}

interface CryptoExports {
  bindingAvailable: boolean;
  init: Promise<void>;
  createCipher: (config: OutboundConfig) => unknown;
}

/**
 * Makes ssh2's crypto module (the pods' private copy, before the rest of ssh2 reads it) build
 * the cipher above for chacha20-poly1305 when ssh2 has no native binding. `loadPoly1305` gives
 * the emscripten Poly1305 module ssh2 ships; `init` waits for it as ssh2 waits for its own.
 */
export function useFastChaCha(
  crypto: CryptoExports,
  loadPoly1305: () => Promise<Poly1305Module>,
): void {
  if (crypto.bindingAvailable) return;
  const original = crypto.createCipher;
  const padding = new PaddingPool();
  let poly: Poly1305 | undefined;
  crypto.init = Promise.all([
    crypto.init,
    loadPoly1305().then((wasm) => {
      poly = new Poly1305(wasm);
    }),
  ]).then(() => undefined);
  crypto.createCipher = (config) =>
    config.outbound.cipherInfo.sslName === 'chacha20' && poly
      ? new ChaChaPolyCipher(config, poly, padding)
      : original(config);
}
