#!/usr/bin/env node
// `pnpm docs`: typed API reference (typedoc) for @lium/errors, api, config, ssh and sdk in
// docs/api/, with typedoc's notDocumented validation on (typedoc.json). Any typedoc warning
// fails, with two exceptions. Packages in UNDOCUMENTED_ALLOWED may still have exported symbols
// without a doc comment; those are listed and counted, per package, but do not fail the run
// (empty that set as the doc comments land). And the fields of @lium/api's wire types: each type
// and schema has a comment naming its endpoint, and the fields are the API's own, described in
// docs/lium-api.md; valibot's inferred types give typedoc no place for a comment per field.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UNDOCUMENTED_ALLOWED = new Set([]);
/** A field of a wire type of @lium/api: valibot-inferred (`Pod.__type.id`) or a schemas/ body. */
const WIRE_FIELD =
  /(\.__type\.\w+ \(Property\), defined in @lium\/api\/src\/)|(\(Property\), defined in @lium\/api\/src\/schemas\/)/;

const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc')], {
  cwd: ROOT,
  encoding: 'utf8',
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
});
const ESC = String.fromCharCode(27);
const output = `${result.stdout}\n${result.stderr}`.replaceAll(
  new RegExp(`${ESC}\\[[0-9;]*m`, 'g'),
  '',
);
const lines = output.split('\n').filter((line) => line.trim() !== '');
const undocumented = new Map();
const failures = [];
let duplicateComments = 0;
let wireFields = 0;
for (const raw of lines) {
  const line = raw.trim();
  if (!/^\[(warning|error)\]/.test(line) || /Found \d+ errors and \d+ warnings/.test(line))
    continue;
  const pkg = /(?:packages\/|@lium\/)([a-z-]+)\//.exec(line)?.[1];
  const missing = /does not have any documentation|not included in the documentation/.test(line);
  if (missing && WIRE_FIELD.test(line)) {
    wireFields += 1;
    continue;
  }
  if (missing && pkg) {
    undocumented.set(pkg, [...(undocumented.get(pkg) ?? []), line]);
    if (UNDOCUMENTED_ALLOWED.has(pkg)) continue;
  }
  // The API response types of @lium/api are built from valibot schemas whose fields repeat in
  // several object types; typedoc names only the field.
  if (/has multiple declarations with a comment/.test(line)) {
    duplicateComments += 1;
    continue;
  }
  failures.push(line);
}
if (duplicateComments + wireFields > 0) {
  process.stdout.write(
    `@lium/api: ${wireFields} wire-type fields without their own comment and ${duplicateComments} with one on several declarations (documented in docs/lium-api.md)\n`,
  );
}
for (const [pkg, missing] of [...undocumented].sort()) {
  const allowed = UNDOCUMENTED_ALLOWED.has(pkg) ? ' (allowed for now, not failing)' : '';
  process.stdout.write(
    `@lium/${pkg}: ${missing.length} exported symbols without a doc comment${allowed}\n`,
  );
  for (const line of missing) process.stdout.write(`  ${line.replace(/^\[warning\]\s*/, '')}\n`);
}
if (result.status !== 0 || failures.length > 0) {
  process.stderr.write(
    `\npnpm docs FAILED (typedoc exit ${result.status}):\n${failures.join('\n')}\n`,
  );
  if (failures.length === 0) process.stderr.write(`${output}\n`);
  process.exit(1);
}
process.stdout.write(
  '\nAPI reference written to docs/api/ (typedoc, no warnings beyond the list above)\n',
);
