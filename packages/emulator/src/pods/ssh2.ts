import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { type Poly1305Module, useFastChaCha } from './chacha.ts';

type Ssh2 = typeof import('ssh2');

const require = createRequire(import.meta.url);

/**
 * The largest packet the pods accept, as OpenSSH's sshd (PACKET_MAX_SIZE, 256 KiB). ssh2 1.17
 * drops the connection on any packet over 35 000 bytes, so an `exec` of a 40 KB command, which
 * sshd runs, ended in "connection closed".
 */
export const MAX_INCOMING_PACKET = 256 * 1024;

interface CjsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
  _compile(source: string, filename: string): void;
}
interface ModuleClass {
  new (id: string, parent: null): CjsModule;
  _nodeModulePaths(dir: string): string[];
}

/**
 * ssh2 for the pods' servers: a private copy whose packet limit is sshd's. The limit is a
 * constant inside ssh2's crypto module, so that module is compiled here with the other value and
 * ssh2 is loaded once more around it; the copy other code in this process already loaded (or
 * will load) stays untouched. With an ssh2 whose source differs, the ordinary ssh2 is used.
 * The copy also gets the faster outbound chacha20-poly1305 of chacha.ts.
 */
function loadSsh2(): Ssh2 {
  const lib = dirname(require.resolve('ssh2'));
  const cryptoPath = join(lib, 'protocol', 'crypto.js');
  let source: string;
  try {
    source = readFileSync(cryptoPath, 'utf8');
  } catch {
    return require('ssh2') as Ssh2;
  }
  const patched = source.replace(
    /^const MAX_PACKET_SIZE = 35000;$/m,
    `const MAX_PACKET_SIZE = ${MAX_INCOMING_PACKET};`,
  );
  if (patched === source) return require('ssh2') as Ssh2;
  const cache = require.cache;
  const ours = (key: string) => key.startsWith(`${lib}${sep}`) || key === lib;
  const saved = Object.entries(cache).filter(([key]) => ours(key));
  for (const [key] of saved) delete cache[key];
  try {
    const Module = require('node:module') as ModuleClass;
    const mod = new Module(cryptoPath, null);
    mod.filename = cryptoPath;
    mod.paths = Module._nodeModulePaths(dirname(cryptoPath));
    mod._compile(patched, cryptoPath);
    mod.loaded = true;
    const poly1305Path = join(lib, 'protocol', 'crypto', 'poly1305.js');
    useFastChaCha(mod.exports as Parameters<typeof useFastChaCha>[0], () =>
      (require(poly1305Path) as () => Promise<Poly1305Module>)(),
    );
    cache[cryptoPath] = mod as unknown as NodeJS.Module;
    return require('ssh2') as Ssh2;
  } finally {
    for (const key of Object.keys(cache)) if (ours(key)) delete cache[key];
    for (const [key, value] of saved) cache[key] = value;
  }
}

const ssh2: Ssh2 = loadSsh2();
export default ssh2;
