// @ts-check
/**
 * A deterministic mixed tree for the sync row: many small text-like files, fewer medium ones,
 * a few large ones, each half compressible text and half random bytes (so `-z` has some work).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// The same count gives the same shape.
import { seededRandom as prng } from '@lium/test-support/random';

const TEXT = Buffer.from(
  'import torch\nfrom model import Net\n# epoch loss accuracy learning-rate checkpoint\n'.repeat(
    64,
  ),
);

/** @param {number} size */
function content(size) {
  const half = Math.floor(size / 2);
  const text = Buffer.alloc(half);
  for (let at = 0; at < half; at += TEXT.length)
    TEXT.copy(text, at, 0, Math.min(TEXT.length, half - at));
  return Buffer.concat([text, randomBytes(size - half)]);
}

/** 85 % 256 B–4 KiB, 13 % 4–64 KiB, 2 % 64–512 KiB. @param {() => number} random */
function pickSize(random) {
  const r = random();
  const between = (/** @type {number} */ lo, /** @type {number} */ hi) =>
    Math.floor(lo + random() * (hi - lo));
  if (r < 0.85) return between(256, 4096);
  if (r < 0.98) return between(4096, 65536);
  return between(65536, 524288);
}

/**
 * Writes `count` files under `root` (100 files per directory, two levels deep).
 * @param {string} root
 * @param {number} count
 * @returns {Promise<{ files: string[], bytes: number }>} relative paths and total size
 */
export async function writeTree(root, count) {
  const random = prng(7);
  /** @type {string[]} */
  const files = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const dir = join(
      `d${String(Math.floor(i / 1000)).padStart(2, '0')}`,
      `s${String(Math.floor(i / 100) % 10)}`,
    );
    if (i % 100 === 0) await mkdir(join(root, dir), { recursive: true });
    const file = join(dir, `f${String(i).padStart(5, '0')}.${['py', 'txt', 'bin', 'json'][i % 4]}`);
    const size = pickSize(random);
    await writeFile(join(root, file), content(size));
    files.push(file);
    bytes += size;
  }
  return { files, bytes };
}

/**
 * Rewrites `fraction` of the files with new content of a similar size.
 * @param {string} root
 * @param {readonly string[]} files
 * @param {number} fraction
 * @param {number} seed
 */
export async function changeSome(root, files, fraction, seed) {
  const random = prng(seed);
  const count = Math.max(1, Math.round(files.length * fraction));
  const chosen = new Set();
  while (chosen.size < count) chosen.add(files[Math.floor(random() * files.length)]);
  for (const file of chosen)
    await writeFile(join(root, /** @type {string} */ (file)), content(pickSize(random)));
  return count;
}

/**
 * An incompressible file of `size` bytes (the transfer rows' test data), written in 4 MiB blocks.
 * @param {string} path @param {number} size
 */
export async function writeRandomFile(path, size) {
  const file = await open(path, 'w');
  try {
    const block = Buffer.allocUnsafe(4 * 2 ** 20);
    for (let written = 0; written < size; written += block.length) {
      randomFillSync(block);
      await file.write(block, 0, Math.min(block.length, size - written));
    }
  } finally {
    await file.close();
  }
}
