import yargs, { type Argv } from 'yargs';
import { commands } from './commands/index.ts';
import { CommandContext, type GlobalArgs } from './context.ts';
import { CliUsageError } from './errors.ts';
import { EXIT_INTERRUPTED, reportError } from './handle-error.ts';
import type { CliIO } from './io.ts';
import { shouldUseColor } from './output/color.ts';
import { Output } from './output/output.ts';
import { VERSION } from './version.ts';

const EPILOG = `Exit codes:
  0    success
  1    failure (API, SSH or local error; the message says what to do)
  2    usage error (bad command, option or argument)
  130  interrupted (Ctrl-C)
  exec passes through the remote command's exit code (the first non-zero across pods).

Environment:
  LIUM_API_KEY      API key (overrides ~/.lium/config.ini)
  LIUM_BASE_URL     API base URL (e.g. a local emulator)
  LIUM_CONFIG_DIR   config directory (default ~/.lium)
  LIUM_PROFILE      profile to use (a [profile NAME] section; --profile wins)
  NO_COLOR, FORCE_COLOR   turn colour off / on

Targets: pods by index from the last \`lium ps\`, HUID, name, id, a list (1,2,3), a range (1-3) or \`all\`; machines by index from the last \`lium ls\`, HUID or id.`;

/** Global flags read before yargs runs, so even usage errors honour `--json` and colour. */
export function prescanGlobals(
  argv: readonly string[],
  env: CliIO['env'],
): Pick<GlobalArgs, 'json' | 'debug' | 'color'> {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  let color: boolean | undefined;
  for (const flag of flags) {
    if (flag === '--color' || flag === '--color=true') color = true;
    if (flag === '--no-color' || flag === '--color=false') color = false;
  }
  return {
    json: flags.includes('--json'),
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
  });
}

function buildParser(io: CliIO, argv: readonly string[], ctx: CommandContext): Argv<GlobalArgs> {
  const parser = yargs()
    .scriptName('lium')
    .usage('lium <command> [options]\n\nRent GPU pods on Lium and work on them from your terminal.')
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .showHelpOnFail(false)
    .exitProcess(false)
    .wrap(Math.min(100, io.stdout.columns ?? 80))
    .parserConfiguration({ 'populate--': true })
    .epilog(EPILOG)
    .option('json', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'Machine-readable output on stdout',
    })
    .option('yes', {
      alias: 'y',
      type: 'boolean',
      default: false,
      global: true,
      describe: 'Answer yes to confirmations',
    })
    .option('debug', {
      type: 'boolean',
      default: false,
      global: true,
      describe: 'Log API requests (key redacted) and stack traces',
    })
    .option('color', {
      type: 'boolean',
      global: true,
      describe: 'Colour output (--no-color to turn off)',
    })
    .option('api-key', {
      type: 'string',
      global: true,
      describe: 'API key for this run (prefer LIUM_API_KEY: argv is visible to other users)',
    })
    .option('profile', {
      type: 'string',
      global: true,
      describe: 'Account profile from config.ini (default $LIUM_PROFILE, else "default")',
    })
    .group(
      ['json', 'yes', 'debug', 'color', 'api-key', 'profile', 'help', 'version'],
      'Global options:',
    )
    .middleware((argv) => {
      ctx.globals = {
        json: Boolean(argv.json),
        debug: Boolean(argv.debug) || ctx.globals.debug,
        yes: Boolean(argv.yes),
        color: argv.color,
        apiKey: argv.apiKey,
        profile: argv.profile,
      };
    })
    .fail((message, error) => {
      if (error) throw error;
      // recommendCommands alone says only "Did you mean X?": name what was typed too.
      const typed = argv.find((word) => !word.startsWith('-'));
      throw new CliUsageError(
        /^Did you mean/.test(message) && typed ? `Unknown command "${typed}". ${message}` : message,
      );
    }) as unknown as Argv<GlobalArgs>;

  for (const entry of commands) {
    parser.command({
      command: entry.command,
      describe: entry.describe,
      aliases: entry.aliases ? [...entry.aliases] : [],
      builder: async (inner: Argv<GlobalArgs>) => (await entry.load()).default.builder(inner, ctx),
      handler: async (args) => {
        const module = (await entry.load()).default;
        await module.handler(args as never, ctx);
      },
    });
  }
  return parser;
}

/** Parses `argv`, runs the command, reports any error, and returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
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
    await buildParser(io, argv, ctx).parseAsync(argv, {}, (_error, _argv, output) => {
      printed = output;
    });
    if (printed) out.print(printed);
    return ctx.interrupted ? EXIT_INTERRUPTED : ctx.exitCode;
  } catch (error) {
    out.stopAnimations();
    return reportError(error, out, ctx.interrupted);
  } finally {
    out.stopAnimations();
    await ctx.close().catch((error: unknown) => out.debug(`cleanup failed: ${String(error)}`));
  }
}
