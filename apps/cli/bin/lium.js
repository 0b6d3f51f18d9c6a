#!/usr/bin/env node
// CommonJS (see bin/package.json): Node starts a CommonJS file faster than an ES module, and
// `lium --version` is answered here before anything else loads, so it costs little more than
// starting Node. Plain old syntax only, so an old Node gets the clear message below.
'use strict';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12)) {
  process.stderr.write(`lium needs Node.js 20.19+ or 22.12+ (this is ${process.versions.node}).\n`);
  process.exit(1);
}

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * `lium --help` as the build wrote it (dist/help-<width>.txt, from the real yargs parser) for the
 * width the parser would wrap at; undefined when there is none, and then yargs prints it.
 */
function prebuiltHelp() {
  const fromEnv = Number(process.env.COLUMNS);
  const fallback = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
  const width = Math.min(100, process.stdout.columns || fallback);
  try {
    return readFileSync(join(__dirname, '..', 'dist', `help-${width}.txt`));
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
const help = args.length === 1 && args[0] === '--help' ? prebuiltHelp() : undefined;
if (args.length === 1 && args[0] === '--version') {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  // Compiled code is cached between runs: by Node itself from 22.1 (all modules), else by
  // compile-cache.js (the CommonJS dependencies, ssh2 above all).
  const nodeModule = require('node:module');
  if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
  else require('./compile-cache.js').enableCompileCache(process.env);
  import('../dist/main.js').then((cli) => cli.main());
}
