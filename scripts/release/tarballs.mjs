// Checks on the tarballs as the registry serves them: packed size (the CLI has a budget),
// contents, manifests, publint --strict and arethetypeswrong with the esm-only profile.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.mjs';
import { check, ok, section } from './report.mjs';

/** The `@lium/cli` tarball must stay at or under this many bytes (150 kB). */
export const CLI_TARBALL_BUDGET = 150_000;

/** Files every published package must carry. */
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

const EXTRA_REQUIRED = {
  '@lium/cli': ['bin/lium.js', 'dist/main.js', 'dist/help-80.txt'],
  '@lium/ssh': [
    'bin/lium-rsync-transport.mjs',
    'dist/target.js',
    'dist/target.d.ts',
    'dist/known-hosts.js',
    'dist/known-hosts.d.ts',
  ],
  '@lium/emulator': ['bin/lium-emulator.js', 'dist/cli.js'],
};

function exportConditions(exports, found = new Set()) {
  if (exports && typeof exports === 'object') {
    for (const [key, value] of Object.entries(exports)) {
      if (!key.startsWith('.')) found.add(key);
      exportConditions(value, found);
    }
  }
  return found;
}

function satisfiesCaret(range, version) {
  // Internal ranges are written by pnpm publish from `workspace:^`: `^x.y.z`.
  const match = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number);
  const [vMajor, vMinor, vPatch] = version.split(/[.-]/).map(Number);
  if (major > 0)
    return vMajor === major && (vMinor > minor || (vMinor === minor && vPatch >= patch));
  if (minor > 0) return vMajor === 0 && vMinor === minor && vPatch >= patch;
  return vMajor === 0 && vMinor === 0 && vPatch === patch;
}

/**
 * Downloads each published package (`npm pack name@version`), prints its packed size and checks
 * it. Resolves `{ name: tarballPath }`.
 */
export async function checkTarballs({ work, versions, env, root }) {
  section('Published tarballs');
  const dir = join(work, 'tarballs');
  mkdirSync(dir, { recursive: true });
  const tarballs = {};
  const sizes = [];
  for (const [name, version] of Object.entries(versions)) {
    const { stdout } = await run(
      'npm',
      ['pack', `${name}@${version}`, '--json', '--pack-destination', dir],
      {
        cwd: dir,
        env,
        timeoutMs: 120_000,
      },
    );
    const [info] = JSON.parse(stdout);
    const tarball = join(dir, info.filename);
    tarballs[name] = tarball;
    const files = info.files.map((file) => file.path);
    const size = statSync(tarball).size;
    sizes.push({ name, version, size, unpacked: info.unpackedSize, files: files.length });

    for (const file of [...REQUIRED, ...(EXTRA_REQUIRED[name] ?? [])]) {
      check(files.includes(file), `${name}: the tarball has no ${file}`);
    }
    check(
      files.some((file) => file.startsWith('dist/')),
      `${name}: the tarball has no dist/`,
    );
    const sources = files.filter((file) => file.startsWith('src/'));
    check(
      sources.length === 0,
      `${name}: the tarball ships sources (${sources.slice(0, 3).join(', ')}…)`,
    );
    if (name === '@lium/cli') {
      const maps = files.filter((file) => file.endsWith('.map'));
      check(maps.length === 0, `@lium/cli: the tarball ships ${maps.length} source maps`);
    }

    const manifestText = (
      await run('tar', ['-xzOf', tarball, 'package/package.json'], { timeoutMs: 30_000 })
    ).stdout;
    check(
      !/"(workspace|catalog):/.test(manifestText),
      `${name}: the published package.json still has workspace: or catalog: ranges`,
    );
    const manifest = JSON.parse(manifestText);
    check(
      manifest.version === version,
      `${name}: published version ${manifest.version} ≠ ${version}`,
    );
    const conditions = exportConditions(manifest.exports);
    check(
      !conditions.has('source'),
      `${name}: the published exports still have the "source" condition`,
    );
    for (const field of [
      'description',
      'license',
      'repository',
      'homepage',
      'bugs',
      'keywords',
      'engines',
    ]) {
      check(manifest[field] !== undefined, `${name}: the published package.json has no "${field}"`);
    }
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!dep.startsWith('@lium/')) continue;
      const wanted = versions[dep];
      check(wanted !== undefined, `${name} depends on ${dep}, which was not published`);
      check(
        satisfiesCaret(range, wanted),
        `${name} depends on ${dep}@${range}, which does not allow the published ${wanted}`,
      );
    }
  }

  const width = Math.max(...sizes.map((row) => row.name.length));
  process.stdout.write(`\n  ${'package'.padEnd(width)}  version  packed      unpacked    files\n`);
  for (const row of sizes) {
    process.stdout.write(
      `  ${row.name.padEnd(width)}  ${row.version.padEnd(7)}  ${`${(row.size / 1000).toFixed(1)} kB`.padEnd(10)}  ${`${(row.unpacked / 1000).toFixed(1)} kB`.padEnd(10)}  ${row.files}\n`,
    );
  }
  const cli = sizes.find((row) => row.name === '@lium/cli');
  check(cli !== undefined, '@lium/cli was not published');
  check(
    cli.size <= CLI_TARBALL_BUDGET,
    `@lium/cli tarball is ${(cli.size / 1000).toFixed(1)} kB, over the ${CLI_TARBALL_BUDGET / 1000} kB budget`,
  );
  ok(`@lium/cli tarball ${(cli.size / 1000).toFixed(1)} kB ≤ ${CLI_TARBALL_BUDGET / 1000} kB`);
  ok('every tarball has dist/, README.md, LICENSE, CHANGELOG.md, no src/, no "source" condition');

  section('publint --strict and arethetypeswrong (esm-only)');
  const bin = (tool) => join(root, 'node_modules', '.bin', tool);
  for (const [name, tarball] of Object.entries(tarballs)) {
    const lint = await run(bin('publint'), ['run', tarball, '--strict'], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    // publint exits non-zero on an error, and with --strict on a warning; suggestions must go too.
    check(
      !/Suggestions?:/i.test(lint.stdout),
      `${name}: publint --strict suggests:\n${lint.stdout}`,
    );
    ok(`${name}: publint --strict clean`);
    const attw = await run(
      bin('attw'),
      [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'],
      { cwd: dir, timeoutMs: 120_000 },
    );
    const verdict = attw.stdout.includes('does not contain types')
      ? 'ships no types (an application; nothing to check)'
      : attw.stdout.includes('No problems found')
        ? 'no problems found'
        : 'no errors';
    ok(`${name}: arethetypeswrong (esm-only) ${verdict}`);
  }
  return tarballs;
}
