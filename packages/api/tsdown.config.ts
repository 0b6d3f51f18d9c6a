import { defineConfig } from 'tsdown';

// `neutral`: the client must run wherever fetch runs (Node, Bun, Deno, browsers, edge), so the
// build must not assume Node built-ins or Node module resolution.
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
