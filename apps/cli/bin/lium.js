#!/usr/bin/env node
// Fail with a clear message on an old Node before any modern syntax is parsed.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12)) {
  process.stderr.write(`lium needs Node.js 20.19+ or 22.12+ (this is ${process.versions.node}).\n`);
  process.exit(1);
}
// Node >= 22.1 can cache the compiled bundle between runs; older versions simply skip it.
import('node:module')
  .then((module) => module.enableCompileCache?.())
  .catch(() => undefined)
  .then(() => import('../dist/main.js'))
  .then((cli) => cli.main());
