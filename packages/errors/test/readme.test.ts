import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

/**
 * The README's example, run as written by this Node in a plain .mjs file inside the package, so
 * `@lium/errors` resolves by name to the built dist/ (as it does for a user).
 */
const scratch = new URL('./.tmp/', import.meta.url);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

it("runs the README's example and prints the code, message and hint", async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  await mkdir(scratch, { recursive: true });
  const file = new URL(`readme-${process.pid}.mjs`, scratch);
  await writeFile(file, example ?? '');
  const { stdout } = await promisify(execFile)(process.execPath, [file.pathname], {
    timeout: 30_000,
  });
  expect(stdout).toBe(
    'unauthenticated: No API key configured. (Run `lium init` or set LIUM_API_KEY.)\n',
  );
});
