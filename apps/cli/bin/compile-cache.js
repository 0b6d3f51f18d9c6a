// CommonJS; lium.js requires it once it knows the Node version is supported.
//
// Node >= 22.1 caches compiled code itself (module.enableCompileCache, which lium.js uses when
// present). On Node 20 this file does the same for the CommonJS dependencies a command loads,
// ssh2 above all: 26 files, 650 kB that V8 would otherwise compile again at every `lium exec`,
// `ssh` or `scp` (about 25 ms of a cold command, bench row P7). Our own code is ES modules,
// which Node 20 offers no way to cache.
//
// The cache is V8's own code cache (vm.Script cachedData), one file per source, named by the
// SHA-1 of the source: a changed file (an upgrade, a patch) is a different name, and V8 itself
// rejects data made by another Node version or other V8 flags. It lives in
// $XDG_CACHE_HOME/lium/compile-cache/<node version>-<arch> (else ~/.cache/lium/...), a directory
// only its owner may write, since what is in it runs; the files are written whole (temporary
// file, then rename) with mode 0600. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it turns off
// Node's own. Any failure here only means compiling as usual.
'use strict';

const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

/** At most this many cached files; past it the directory is emptied and refilled as used. */
const MAX_ENTRIES = 512;

/** The cache directory, created 0700 if missing; undefined when it is not safely ours. */
function cacheDirectory(env) {
  try {
    // (os.homedir() throws where there is no HOME and no passwd entry.)
    const base = env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache');
    if (!path.isAbsolute(base)) return undefined;
    const dir = path.join(base, 'lium', 'compile-cache', `${process.version}-${process.arch}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && stat.uid !== uid) return undefined;
    if (process.platform !== 'win32' && (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The `require` a CommonJS module gets, as Node builds it. */
function requireFor(mod) {
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  req.main = process.mainModule;
  req.extensions = Module._extensions;
  req.cache = Module._cache;
  return req;
}

function writeWhole(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch {
    try {
      fs.unlinkSync(temporary);
    } catch {}
  }
}

/**
 * Caches the code of CommonJS modules under node_modules from here on. Returns counters for
 * tests (`dir`: the cache directory once a module needed it, undefined when none is usable;
 * `hits`: compiled from the cache; `misses`: compiled from source, cached at exit), or
 * undefined when the cache is turned off.
 */
function enableCompileCache(env) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // Node's own compile step also checks policy manifests and pauses for --inspect-brk.
  const options = `${process.execArgv.join(' ')} ${env.NODE_OPTIONS || ''}`;
  if (/--(experimental-policy|inspect-brk)/.test(options)) return undefined;
  const stats = { dir: undefined, hits: 0, misses: 0 };
  const toWrite = [];
  const original = Module.prototype._compile;
  // Set up on the first CommonJS dependency: a command that loads none (`lium ls`) pays nothing.
  let ready = false;
  let vm;
  let crypto;
  Module.prototype._compile = function compileWithCache(content, filename, format, ...rest) {
    const plain = format === undefined || format === 'commonjs';
    if (!plain || typeof content !== 'string' || !/[\\/]node_modules[\\/]/.test(filename)) {
      return original.call(this, content, filename, format, ...rest);
    }
    if (!ready) {
      ready = true;
      stats.dir = cacheDirectory(env);
      vm = require('node:vm');
      crypto = require('node:crypto');
    }
    const dir = stats.dir;
    if (dir === undefined) return original.call(this, content, filename, format, ...rest);
    const file = path.join(dir, crypto.createHash('sha1').update(content).digest('hex'));
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {}
    let script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // Not plain CommonJS (ES module syntax Node detects, say): Node's own path handles it.
      return original.call(this, content, filename, format, ...rest);
    }
    if (cachedData === undefined || script.cachedDataRejected) {
      stats.misses += 1;
      toWrite.push({ file, script });
    } else {
      stats.hits += 1;
    }
    const compiled = script.runInThisContext({ displayErrors: true });
    const dirname = path.dirname(filename);
    return compiled.call(this.exports, this.exports, requireFor(this), this, filename, dirname);
  };
  // At exit the data also holds the functions that ran, not only the top level.
  process.once('exit', () => {
    const dir = stats.dir;
    if (toWrite.length === 0 || dir === undefined) return;
    try {
      if (fs.readdirSync(dir).length + toWrite.length > MAX_ENTRIES) {
        for (const name of fs.readdirSync(dir)) fs.unlinkSync(path.join(dir, name));
      }
      for (const { file, script } of toWrite) writeWhole(file, script.createCachedData());
    } catch {}
  });
  return stats;
}

module.exports = { enableCompileCache };
