import { defineConfig } from 'tsdown';

/**
 * Built so plain Node scripts (bench/, scripts/demo.mjs) can import the same harnesses the tests
 * use: Node 20 cannot load the `.ts` sources. Only the harnesses scripts need are built; tests
 * read every module from `src/` (the `source` condition and vitest.shared.ts's alias).
 */
export default defineConfig({
  entry: ['src/sshd.ts', 'src/keys.ts', 'src/http-server.ts', 'src/random.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  dts: true,
  sourcemap: true,
  clean: true,
  fixedExtension: false,
});
