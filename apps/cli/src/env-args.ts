import { CliUsageError } from './errors.ts';
import type { CliIO } from './io.ts';
import { localPath, readLocalText } from './local-files.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type LocalEnv = Readonly<Record<string, string | undefined>>;

/**
 * `--env` values into a record. `NAME=VALUE` sets the value given (it may hold anything, even
 * `=`); a bare `NAME` takes the value from lium's own environment, so a secret need not appear
 * in lium's argv (`/proc/<pid>/cmdline` is readable by other users). The name must be a shell
 * variable name. No value is ever echoed back in an error.
 */
export function parseEnvArgs(
  values: readonly string[],
  localEnv: LocalEnv = {},
  source = '--env',
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (!ENV_NAME.test(name)) {
      throw new CliUsageError(
        `Malformed ${source} "${eq === -1 ? name : `${name}=…`}": expected NAME=VALUE or NAME`,
        'Names are letters, digits and _ (not starting with a digit), e.g. --env BATCH=32.',
      );
    }
    if (eq === -1) {
      const value = localEnv[name];
      if (value === undefined) {
        throw new CliUsageError(
          `${source} ${name}: ${name} is not set in your environment`,
          `Export it first (\`export ${name}=…\`), or pass ${name}=VALUE.`,
        );
      }
      env[name] = value;
    } else {
      env[name] = item.slice(eq + 1);
    }
  }
  return env;
}

/**
 * An `--env-file`: one `NAME=VALUE` (or bare `NAME`, from the environment) per line; blank
 * lines and lines starting with `#` are skipped. Values are taken as written (no quotes are
 * removed), like `docker run --env-file`.
 */
export function parseEnvFile(
  text: string,
  localEnv: LocalEnv,
  path: string,
): Record<string, string> {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s+/, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));
  return parseEnvArgs(lines, localEnv, `line in ${path}`);
}

/** A repeatable option's value (absent, once, or several times) as a list. */
export function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** `--env` and `--env-file` as one environment: every file in order, then `--env` on top. */
export async function envFromOptions(
  options: { env?: readonly string[] | undefined; envFile?: readonly string[] | undefined },
  io: Pick<CliIO, 'cwd' | 'env'>,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const file of options.envFile ?? []) {
    const text = await readLocalText(localPath(file, io), 'Env file');
    Object.assign(env, parseEnvFile(text, io.env, file));
  }
  return Object.assign(env, parseEnvArgs(options.env ?? [], io.env));
}
