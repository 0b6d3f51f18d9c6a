import { writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsdown';

const fastStringWidth = fileURLToPath(new URL('./src/output/string-width.ts', import.meta.url));
const sourceDir = fileURLToPath(new URL('./src/', import.meta.url));
/** Modules yargs' ESM build imports, replaced in our bundle by lighter ones of the same behaviour. */
const yargsShims: Record<string, string> = {
  assert: fileURLToPath(new URL('./src/bundle-shims/yargs-assert.ts', import.meta.url)),
  'escalade/sync': fileURLToPath(new URL('./src/bundle-shims/no-find-up.ts', import.meta.url)),
};

/** The widths `lium --help` wraps at: 80 off a terminal, 100 on one at least that wide. */
const HELP_WIDTHS = [80, 100];

/**
 * Writes what the built CLI prints for `lium --help` to `dist/help-<width>.txt`, so `bin/lium.js`
 * can print it without building the yargs parser (2.8x `node -e 0` otherwise). The text comes
 * from the real parser, so it cannot drift from the commands; test/binary.test.ts checks that.
 */
async function writeHelpTexts(): Promise<void> {
  const main = new URL(`./dist/main.js?build=${Date.now()}`, import.meta.url);
  const { run } = (await import(main.href)) as typeof import('./src/main.ts');
  for (const width of HELP_WIDTHS) {
    const printed: Buffer[] = [];
    const capture = (into: Buffer[]) =>
      Object.assign(
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            into.push(Buffer.from(chunk));
            callback();
          },
        }),
        { columns: width },
      );
    const code = await run(['--help'], {
      stdout: capture(printed),
      stderr: capture([]),
      stdin: process.stdin,
      env: {},
      cwd: process.cwd(),
    });
    if (code !== 0) throw new Error(`lium --help exited with ${code} while building`);
    await writeFile(
      fileURLToPath(new URL(`./dist/help-${width}.txt`, import.meta.url)),
      Buffer.concat(printed),
    );
  }
}

/**
 * The published CLI bundles its own code and small third-party dependencies (yargs, kleur,
 * clack), minified, each command a lazy chunk over one shared chunk. Our @lium/* packages are runtime dependencies
 * loaded from node_modules, as are ssh2 (through @lium/ssh), @lium/bittensor (polkadot-js, for
 * `lium fund` and `scp --coldkey` only) and dockerode (for `lium image` only). Bundling
 * @lium/sdk, api and config made the tarball 172 kB packed against its 150 kB budget (issue #10);
 * a user who installs the CLI next to the SDK now also gets one copy of each. No command imports
 * @lium/sdk before it runs, so `--version` and `--help` still load none of them.
 */
export default defineConfig({
  entry: ['src/main.ts', 'src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  dts: false,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
  // Half the bytes for Node to compile at every start; --debug turns source maps on for stacks.
  minify: true,
  // Error classes name themselves after their class (`LiumAuthenticationError`): keep names.
  // Maps without the sources they came from: `--debug` stacks still point at src/ files and
  // lines, and the tarball carries no second copy of the code (1.4 MB of 1.8 MB before).
  outputOptions: {
    keepNames: true,
    sourcemapExcludeSources: true,
    // What several commands share goes in one `shared` chunk: left to itself the bundler made
    // ~20 chunks of a few hundred bytes, and on Node 20 each ES module costs ~0.6 ms to load
    // whatever its size (`lium exec` loaded 25 files of ours, now 6; bench P7).
    codeSplitting: {
      groups: [
        {
          name: 'shared',
          // main.ts and what it imports stay apart: `lium --version` loads nothing else.
          test: (id: string) => id.startsWith(sourceDir) && !/[\\/](main|version)\.ts$/.test(id),
          minShareCount: 2,
        },
      ],
    },
  },
  deps: {
    alwaysBundle: ['yargs', /^yargs\//, 'kleur', '@clack/prompts', 'get-east-asian-width'],
    neverBundle: [/^@lium\//, 'ssh2', 'cpu-features', '@lium/bittensor', 'dockerode'],
  },
  plugins: [
    {
      // yargs and its help layout (cliui, wrap-ansi) measure text with `string-width`, which costs a
      // quarter of `lium --help`; the ESM importers get our ASCII-fast version instead.
      name: 'lium-fast-string-width',
      resolveId(source: string, importer: string | undefined) {
        if (
          source === 'string-width' &&
          importer &&
          /[\\/](cliui|wrap-ansi|yargs)@/.test(importer)
        ) {
          return fastStringWidth;
        }
        return null;
      },
    },
    {
      // node:assert (~5 ms to load) and a walk from the cwd up to `/` at every start: see
      // src/bundle-shims/.
      name: 'lium-yargs-shims',
      resolveId(source: string, importer: string | undefined) {
        const shim = yargsShims[source];
        return shim && importer && /[\\/]yargs@/.test(importer) ? shim : null;
      },
    },
  ],
  hooks: { 'build:done': writeHelpTexts },
});
