import type { Lium } from '@lium/sdk';
import { CliError, CliInterruptedError } from './errors.ts';
import type { CliIO } from './io.ts';
import type { Output } from './output/output.ts';
import { envWithProfile, profileShadowWarning } from './profile.ts';
import { shellPid } from './shell-pid.ts';
import { VERSION } from './version.ts';

/** Flags every command accepts. */
export interface GlobalArgs {
  json: boolean;
  debug: boolean;
  yes: boolean;
  color: boolean | undefined;
  apiKey: string | undefined;
  /** `--profile`: wins over `$LIUM_PROFILE`. */
  profile: string | undefined;
}

/**
 * What a command handler works with: the output layer, the run's abort signal, and the SDK,
 * which is imported and constructed only when a command first asks for it (so `--help` and
 * `config path` never load it).
 */
export class CommandContext {
  readonly io: CliIO;
  readonly out: Output;
  globals: GlobalArgs;
  /** The exit code the run ends with when the handler returns normally. */
  exitCode = 0;
  readonly #abort = new AbortController();
  #lium: Promise<Lium> | undefined;

  constructor(io: CliIO, out: Output, globals: GlobalArgs) {
    this.io = io;
    this.out = out;
    this.globals = globals;
    const external = io.signal;
    if (external) {
      if (external.aborted) this.#abort.abort(new CliInterruptedError());
      else
        external.addEventListener('abort', () => this.#abort.abort(new CliInterruptedError()), {
          once: true,
        });
    }
  }

  /** Aborted on Ctrl-C. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get interrupted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Prompts are shown only when a human is at both ends and not in CI. */
  get interactive(): boolean {
    const { stdin, stderr, env } = this.io;
    return Boolean(stdin.isTTY && stderr.isTTY) && !env.CI;
  }

  /** The SDK client for this run, created on first use. */
  lium(): Promise<Lium> {
    this.#lium ??= this.#createLium();
    return this.#lium;
  }

  /**
   * Asks before doing something the user may regret. `--yes` skips the question; without a
   * terminal to ask on, the command refuses rather than guessing.
   */
  async confirm(question: string, action: string): Promise<void> {
    if (this.globals.yes) return;
    if (!this.interactive) {
      throw new CliError(`Refusing to ${action} without confirmation`, {
        code: 'confirmation_required',
        hint: 'Pass --yes (-y) to confirm in a non-interactive run.',
      });
    }
    const { confirm, isCancel } = await import('@clack/prompts');
    const answer = await confirm({
      message: question,
      input: this.io.stdin as NodeJS.ReadStream,
      output: this.io.stderr as NodeJS.WriteStream,
      signal: this.signal,
    });
    // Ctrl-C (or Esc) at the prompt is an interruption (exit 130); answering "no" is a
    // refusal (exit 1).
    if (isCancel(answer)) throw new CliInterruptedError('Cancelled', 'Nothing was changed.');
    if (answer !== true) {
      throw new CliError('Cancelled', { code: 'cancelled', hint: 'Nothing was changed.' });
    }
  }

  /** Closes the SDK's connections. */
  async close(): Promise<void> {
    if (this.#lium) {
      const lium = await this.#lium.catch(() => undefined);
      await lium?.close();
    }
  }

  async #createLium(): Promise<Lium> {
    const { Lium } = await import('@lium/sdk');
    const apiKey = this.globals.apiKey;
    const redact = (text: string) => (apiKey ? text.split(apiKey).join('***') : text);
    const home = this.io.env.HOME;
    const out = this.out;
    const shadowed = profileShadowWarning(this.io.env, this.globals.profile);
    if (shadowed) out.warn(shadowed);
    return new Lium({
      ...(apiKey ? { apiKey } : {}),
      env: envWithProfile(this.io.env, this.globals.profile),
      ...(home ? { homeDir: home } : {}),
      shellPid: shellPid(),
      listCommands: { executors: 'lium ls', pods: 'lium ps', templates: 'lium templates' },
      onWarning: (message) => out.warn(message),
      api: {
        source: 'cli',
        clientVersion: VERSION,
        ...(out.debugEnabled
          ? {
              onRequest: (event) =>
                out.debug(
                  redact(
                    `→ ${event.method} ${event.url}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
                  ),
                ),
              onResponse: (event) =>
                out.debug(
                  redact(
                    `← ${event.status ?? event.error?.code ?? '?'} ${event.method} ${event.path} ${Math.round(event.durationMs)}ms${event.requestId ? ` ${event.requestId}` : ''}`,
                  ),
                ),
            }
          : {}),
      },
    });
  }
}
