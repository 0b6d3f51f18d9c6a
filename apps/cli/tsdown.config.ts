import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsdown';

const fastStringWidth = fileURLToPath(new URL('./src/output/string-width.ts', import.meta.url));

/**
 * The published CLI is one bundle: our @lium/* packages and small dependencies are inlined,
 * each command becomes a lazy chunk, and only ssh2 (optional native parts) stays external.
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
  outputOptions: { keepNames: true },
  deps: {
    alwaysBundle: [/^@lium\//, 'yargs', /^yargs\//, 'kleur', '@clack/prompts'],
    neverBundle: ['ssh2', 'cpu-features'],
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
  ],
  // @lium/ssh runs this standalone helper as rsync's `-e` shell, found at `../bin/` from the
  // module that starts it; bundled, that module is in dist/, so the helper goes to our bin/.
  copy: [{ from: '../../packages/ssh/bin/lium-rsync-transport.mjs', to: 'bin' }],
  // Bundle the workspace packages from their sources, so the CLI build needs no other build.
  inputOptions: { resolve: { conditionNames: ['source', 'node', 'import', 'default'] } },
});
