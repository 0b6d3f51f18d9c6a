#!/usr/bin/env node
// Fail with a clear message on an old Node before any modern syntax is parsed.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12)) {
  process.stderr.write(
    `lium-emulator needs Node.js 20.19+ or 22.12+ (this is ${process.versions.node}).\n`,
  );
  process.exit(1);
}
import('../dist/cli.js').then((cli) => cli.main());
