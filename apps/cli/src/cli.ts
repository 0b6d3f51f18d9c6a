import { isLiumError } from '@lium/errors';
import yargs, { type Argv } from 'yargs';
import { explainRefusedKey } from './auth-source.ts';
import { EXEC_OPTIONS } from './commands/exec-options.ts';
import { commands, GLOBAL_OPTIONS } from './commands/index.ts';
import { SSH_OPTIONS } from './commands/ssh-options.ts';
import { CommandContext, type GlobalArgs } from './context.ts';
import { CliError, CliUsageError } from './errors.ts';
import { readFormatOption } from './format-option.ts';
import { EXIT_INTERRUPTED, reportError } from './handle-error.ts';
import { ROOT_USAGE, withGroupedCommands } from './help-groups.ts';
import type { CliIO } from './io.ts';
import { shouldUseColor } from './output/color.ts';
import { Output } from './output/output.ts';
import stringWidth from './output/string-width.ts';
import { outputWidth } from './output/width.ts';
import { OptionWords, splitRemoteCommand } from './remote-command.ts';
import { explainUsage, RawUsageError } from './usage-messages.ts';
import { VERSION } from './version.ts';

const EPILOG = `Exit codes:
  0    success
  1    failure (API, SSH or local error; the message says what to do), or --timeout ran out
  2    usage error (bad command, option or argument)
  130  interrupted (Ctrl-C)
  exec passes through the remote command's exit code (the first non-zero across pods).

Environment:
  LIUM_API_KEY      API key (overrides ~/.lium/config.ini)
  LIUM_BASE_URL     API base URL (e.g. a local emulator)
  LIUM_CONFIG_DIR   config directory (default ~/.lium)
  LIUM_PROFILE      profile to use (a [profile NAME] section; --profile wins)
  LIUM_TIMEOUT      bound of the whole command, as --timeout (90s, 5m; --timeout wins);
                    --wait-timeout of up/reboot/run bounds only the wait for a pod
  LIUM_SSH_PASSPHRASE  passphrase of an encrypted SSH key (else ssh-agent)
  NO_COLOR, FORCE_COLOR   turn colour off / on

Targets: pods by index from the last \`lium ps\`, HUID, name, id, a list (1,2,3), a range (1-3) or \`all\`; machines by index from the last \`lium ls\`, HUID or id.`;

const GLOBAL_WORDS = new OptionWords(GLOBAL_OPTIONS);
const EXEC_WORDS = new OptionWords(EXEC_OPTIONS);
const SSH_WORDS = new OptionWords(SSH_OPTIONS);

/** `argv` with a remote command (`lium exec 1 grep -e x f`) kept away from lium's options. */
function shapeArgv(typed: readonly string[]): string[] {
  // `lium help ls` is `lium ls --help`, as in git, gh and kubectl.
  const argv = typed[0] === 'help' ? [...typed.slice(1), '--help'] : typed;
  const exec = splitRemoteCommand(argv, 'exec', GLOBAL_WORDS, EXEC_WORDS);
  return readFormatOption(splitRemoteCommand(exec, 'ssh', GLOBAL_WORDS, SSH_WORDS));
}

/** Global flags read before yargs runs, so even usage errors honour `--json` and colour. */
export function prescanGlobals(
  argv: readonly string[],
  env: CliIO['env'],
): Pick<GlobalArgs, 'json' | 'debug' | 'color'> {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  let color: boolean | undefined;
  let json = false;
  for (const flag of flags) {
    // The last wins, as yargs reads them (`--format table` arrives as `--no-json`).
    if (flag === '--json' || flag === '--json=true') json = true;
    if (flag === '--no-json' || flag === '--json=false') json = false;
    if (flag === '--color' || flag === '--color=true') color = true;
    if (flag === '--no-color' || flag === '--color=false') color = false;
  }
  return {
    json,
    debug: flags.includes('--debug') || env.LIUM_LOG === 'debug',
    color,
  };
}

function createOutput(io: CliIO, globals: Pick<GlobalArgs, 'json' | 'debug' | 'color'>): Output {
  const colorOf = (isTTY: boolean | undefined) =>
    shouldUseColor({ flag: globals.color, env: io.env, isTTY: Boolean(isTTY) });
  return new Output({
    stdout: io.stdout,
    stderr: io.stderr,
    json: globals.json,
    colorStdout: colorOf(io.stdout.isTTY),
    colorStderr: colorOf(io.stderr.isTTY),
    animate: Boolean(io.stderr.isTTY) && !globals.json && !io.env.CI && io.env.TERM !== 'dumb',
    debug: globals.debug,
    width: outputWidth(io),
  });
}

const GLOBAL_KEYS = [...Object.keys(GLOBAL_OPTIONS), 'help', 'version'];

interface GroupedParser {
  getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> };
  getGroups(): Record<string, string[]>;
  group(keys: string[], name: string): unknown;
}

/**
 * A command's help lists its own options first and the global ones after. yargs lists a
 * command's own groups before the groups kept from the root ("Global options:"), but adds the
 * default "Options:" group last; so the command's options are grouped as "Options:" here.
 */
function ownOptionsFirst<T>(built: T): T {
  const parser = built as unknown as GroupedParser;
  const grouped = new Set(Object.values(parser.getGroups()).flat());
  const { key, alias } = parser.getOptions();
  const aliases = new Set(Object.values(alias).flat());
  const own = Object.keys(key).filter(
    (name) => !grouped.has(name) && !aliases.has(name) && !GLOBAL_KEYS.includes(name),
  );
  if (own.length > 0) parser.group(own, 'Options:');
  return built;
}

/**
 * How wide `--help` is laid out, at most 100: the stream's width (a terminal, or what the build
 * passes for `dist/help-<width>.txt`), else `COLUMNS`, else 80. `bin/lium.js` picks the same.
 */
function helpWidth(io: CliIO): number {
  const columns = io.stdout.columns;
  return Math.min(100, columns !== undefined && columns > 0 ? columns : (outputWidth(io) ?? 80));
}

type ExampleFn = (command: string, description?: string) => unknown;

/**
 * Examples are never broken mid-command: yargs gives the command column at most half the width
 * and wraps longer commands onto the description's lines. The builder's `.example()` calls are
 * held back; if every command fits that column they are passed on as they were, else each
 * command gets a line of its own under its description, as a shell comment (like `gh`).
 */
function collectExamples(parser: Argv<GlobalArgs>): { write(width: number): void } {
  const target = parser as unknown as { example: ExampleFn };
  const original = target.example.bind(parser);
  const held: [string, string][] = [];
  target.example = (command, description) => {
    held.push([command, description ?? '']);
    return parser;
  };
  return {
    write(width) {
      target.example = original;
      const column = Math.floor(width * 0.5);
      const fits = held.every(([command]) => stringWidth(command) <= column);
      for (const [command, description] of held) {
        if (fits || !description) original(command, description);
        else {
          original(`# ${description}`, '');
          original(command, '');
        }
      }
    },
  };
}

/** The part of yargs' internals {@link skipHelpCache} touches (not in its typings). */
interface HelpCacheInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the running command's whole help text right after starting its handler, in
 * case a later failure wants to print it (`cacheHelpMessage`): 15-65 ms of CPU (measured under
 * load) before the handler's first request goes out. We never print it (`showHelpOnFail(false)`,
 * our usage errors are our own words), so that render is skipped; `--help` renders as before.
 */
function skipHelpCache(parser: Argv<GlobalArgs>): void {
  const usage = (parser as unknown as HelpCacheInternals)
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** Thrown instead of running a handler when the parser only checks a command line. */
class ParsedOnly extends Error {}

function buildParser(io: CliIO, ctx: CommandContext, parseOnly = false): Argv<GlobalArgs> {
  const parser = yargs()
    .scriptName('lium')
    .usage(`${ROOT_USAGE}\n\nRent GPU pods on Lium and work on them from your terminal.`)
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .showHelpOnFail(false)
    .exitProcess(false)
    .wrap(helpWidth(io))
    // No `--limit.x` objects: an option is a flag or a value, never a nested record.
    .parserConfiguration({ 'populate--': true, 'dot-notation': false })
    .epilog(EPILOG)
    .options(GLOBAL_OPTIONS)
    .group(GLOBAL_KEYS, 'Global options:')
    .middleware((argv) => {
      ctx.globals = {
        json: Boolean(argv.json),
        debug: Boolean(argv.debug) || ctx.globals.debug,
        yes: Boolean(argv.yes),
        color: argv.color,
        apiKey: argv['api-key'],
        profile: argv.profile,
        timeout: argv.timeout,
      };
    })
    .fail((yargsMessage, error) => {
      // yargs reports its own findings, and what an option's coerce threw, as a YError.
      if (error && error.name !== 'YError') throw error;
      // Put in our words (with the command's own usage and help) by explainUsage.
      throw new RawUsageError(error?.message ?? yargsMessage);
    }) as unknown as Argv<GlobalArgs>;

  skipHelpCache(parser);
  // After validation, before any handler (subcommands' too): stop when only checking.
  if (parseOnly) {
    parser.middleware(() => {
      throw new ParsedOnly();
    }, false);
  }
  for (const entry of commands) {
    parser.command({
      command: entry.command,
      describe: entry.describe,
      aliases: entry.aliases ? [...entry.aliases] : [],
      builder: async (inner: Argv<GlobalArgs>) => {
        const examples = collectExamples(inner);
        const built = await (await entry.load()).default.builder(inner, ctx);
        examples.write(helpWidth(io));
        return ownOptionsFirst(built);
      },
      handler: async (args) => {
        const module = (await entry.load()).default;
        await ctx.applyTimeout();
        await module.handler(args as never, ctx);
      },
    });
  }
  return parser;
}

/**
 * What a command's option coercion threw reaches us as a bare YError (yargs keeps only the
 * message), outside `.fail()`: it is a usage error all the same, on one line.
 */
async function asUsageError(
  error: unknown,
  argv: readonly string[],
  ctx: CommandContext,
): Promise<unknown> {
  const raw = error instanceof RawUsageError || (error instanceof Error && error.name === 'YError');
  return raw ? explainUsage((error as Error).message, argv, ctx) : error;
}

/**
 * When the `--timeout` bound ran out, what the command threw on its abort (an abort, an
 * "Interrupted") is the timeout; its hint (which pod is left, if any) is kept.
 */
function timedOutInstead(error: unknown, ctx: CommandContext): unknown {
  const timedOut = ctx.timedOut;
  if (!timedOut) return error;
  const code = isLiumError(error) ? error.code : undefined;
  if (code !== 'interrupted' && code !== 'aborted' && isLiumError(error)) return error;
  const hint = code === 'interrupted' && isLiumError(error) ? error.hint : undefined;
  return hint ? new CliError(timedOut.message, { code: 'command_timeout', hint }) : timedOut;
}

/**
 * yargs' own `--help`/`--version` text (the root help with its commands grouped); with
 * `--json`, wrapped so stdout stays JSON.
 */
function printHelpOrVersion(printed: string, out: Output, width: number): void {
  const text = withGroupedCommands(printed, width);
  if (!out.json) out.print(text);
  else if (text.trim() === VERSION) out.printJson({ version: VERSION });
  else out.printJson({ help: text.trimEnd() });
}

/**
 * Checks that `argv` is a command line lium accepts (known command, known options, valid
 * values) without running anything: undefined if so, else the usage error's message. The
 * tests run every `lium …` that a hint or README mentions through it.
 */
export async function checkCommandLine(typed: string[], io: CliIO): Promise<string | undefined> {
  const argv = shapeArgv(typed);
  const out = createOutput(io, prescanGlobals(argv, io.env));
  const ctx = new CommandContext(io, out, {
    json: false,
    debug: false,
    yes: false,
    color: undefined,
    apiKey: undefined,
    profile: undefined,
  });
  try {
    let printed = '';
    const parsed = await buildParser(io, ctx, true).parseAsync(argv, {}, (_e, _a, output) => {
      printed = output;
    });
    return parsed._.length === 0 && !printed ? 'Name a command.' : undefined;
  } catch (error) {
    if (error instanceof ParsedOnly) return undefined;
    const usage = await asUsageError(error, argv, ctx);
    return usage instanceof Error ? usage.message : String(usage);
  }
}

/** Parses `argv`, runs the command, reports any error, and returns the exit code. */
export async function runCli(typed: string[], io: CliIO): Promise<number> {
  const argv = shapeArgv(typed);
  const pre = prescanGlobals(argv, io.env);
  // The bundle is minified: with --debug, stack traces point into our sources instead.
  if (pre.debug) process.setSourceMapsEnabled(true);
  const out = createOutput(io, pre);
  const ctx = new CommandContext(io, out, {
    ...pre,
    yes: false,
    apiKey: undefined,
    profile: undefined,
  });
  let printed = '';
  try {
    if (argv[0] === '__complete') {
      const { complete } = await import('./completion.ts');
      for (const candidate of await complete(argv.slice(1), ctx)) out.print(candidate);
      return 0;
    }
    const parsed = await buildParser(io, ctx).parseAsync(argv, {}, (_error, _argv, output) => {
      printed = output;
    });
    if (printed) {
      printHelpOrVersion(printed, out, helpWidth(io));
      return 0;
    }
    // `lium -- down --all -y`: everything after `--` is data, so no command was named.
    if (parsed._.length === 0) throw new CliUsageError('Name a command.');
    if (ctx.timedOut) return reportError(ctx.timedOut, out, false);
    return ctx.interrupted ? EXIT_INTERRUPTED : ctx.exitCode;
  } catch (error) {
    out.stopAnimations();
    const explained = explainRefusedKey(await asUsageError(error, argv, ctx), io.env, ctx.globals);
    return reportError(timedOutInstead(explained, ctx), out, ctx.interrupted && !ctx.timedOut);
  } finally {
    out.stopAnimations();
    await ctx.close().catch((error: unknown) => out.debug(`cleanup failed: ${String(error)}`));
  }
}
