import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
/** The built `lium` entry the tests run. */
export const bin = join(cliDir, 'bin', 'lium.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `pnpm test` builds first; when run alone, build the CLI if its dist is missing or stale. */
export function ensureBuilt(): void {
  const main = join(cliDir, 'dist', 'main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(cliDir, 'src'))) return;
  const build = spawnSync('npx', ['tsdown'], { cwd: cliDir, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
}

export interface BuiltResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end without blocking the event loop (the emulator answering the CLI
 * runs in this same process), killing it after `timeoutMs`.
 */
function runAsync(
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<BuiltResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The built `lium` as a subprocess with stdout and stderr piped (no terminal). */
export function runBuilt(
  args: readonly string[],
  env: Record<string, string>,
): Promise<BuiltResult> {
  return runAsync(process.execPath, [bin, ...args], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...env,
  });
}

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The built `lium` as a script or test harness runs it with a command string: its own `sh -c`,
 * so every command has a parent shell of its own that exits after it.
 */
export function runBuiltInShell(
  args: readonly string[],
  env: Record<string, string>,
): Promise<BuiltResult> {
  const command = [process.execPath, bin, ...args].map(shellQuote).join(' ');
  // Not the last command, so no shell exec-s node in its own place.
  return runAsync('sh', ['-c', `${command}; exit $?`], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...env,
  });
}

/**
 * The built `lium` on a pseudo-terminal `columns` wide (util-linux `script`): stdout and stderr
 * both reach the terminal, as a person would see them. Returns what the terminal received, with
 * `\r\n` turned into `\n`.
 */
export async function runInTerminal(
  args: readonly string[],
  env: Record<string, string>,
  columns: number,
): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 50; exec ${[process.execPath, bin, ...args].map(shellQuote).join(' ')}`;
  const result = await runAsync('script', ['-qfec', command, '/dev/null'], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm-256color',
    ...env,
  });
  return { code: result.code, screen: result.stdout.replace(/\r\n/g, '\n') };
}

/**
 * What a terminal shows, line by line: spinner frames (redrawn with `\r` and erase-line) and
 * colour codes removed.
 */
export function screenLines(screen: string): string[] {
  return (
    screen
      // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal codes are the point
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      .split('\n')
      .map((line) => line.slice(line.lastIndexOf('\r') + 1))
  );
}
