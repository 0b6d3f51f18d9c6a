import type { Lium } from '@lium/sdk';
import { ApiWaitStatus } from './api-wait.ts';
import { CliError, CliInterruptedError, CliUsageError } from './errors.ts';
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
  /** `--timeout`: the bound of the whole run (wins over `$LIUM_TIMEOUT`). */
  timeout?: string | undefined;
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
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #timedOut: CliError | undefined;
  #waiting: ApiWaitStatus | undefined;

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

  /** Aborted: by Ctrl-C, or by the `--timeout` bound (then `timedOut` says so). */
  get interrupted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** The error the run ends with when its `--timeout` bound ran out (undefined before). */
  get timedOut(): CliError | undefined {
    return this.#timedOut;
  }

  /** Starts the `--timeout` / `$LIUM_TIMEOUT` bound, if one is set (a bad one is a usage error). */
  async applyTimeout(): Promise<void> {
    const flag = this.globals.timeout;
    const spec = flag ?? this.io.env.LIUM_TIMEOUT;
    if (spec === undefined || spec.trim() === '') return;
    const source = flag !== undefined ? '--timeout' : '$LIUM_TIMEOUT';
    const { parseDuration } = await import('@lium/sdk');
    let ms: number;
    try {
      ms = parseDuration(spec, { seconds: true });
    } catch {
      throw new CliUsageError(
        `Invalid ${source} "${spec}"`,
        'Use a number followed by s, m or h, e.g. 90s or 15m (a bare number is seconds).',
      );
    }
    this.limitTo(ms, spec, source);
  }

  /**
   * Bounds the whole run (`--timeout` / `$LIUM_TIMEOUT`): when `ms` have passed, the run's
   * signal aborts as on Ctrl-C, so every command cleans up what it started (and names any pod
   * it could not stop), and the run ends with a `command_timeout` error (exit 1).
   */
  limitTo(ms: number, spec: string, source: string): void {
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => {
      this.#timedOut = new CliError(`Gave up after ${spec} (${source})`, {
        code: 'command_timeout',
        hint: `Allow longer with --timeout${source === '$LIUM_TIMEOUT' ? ', or unset LIUM_TIMEOUT' : ''}.`,
      });
      this.#abort.abort(this.#timedOut);
    }, ms);
    this.#deadline.unref?.();
  }

  /**
   * For a command that cleans up in stages: until `release()`, a second Ctrl-C aborts `second`
   * instead of exiting, and a third prints `lastWords()` and exits 130 (see InterruptStages).
   */
  holdInterrupts(lastWords: () => void): { second: AbortSignal; release: () => void } {
    const stages = this.io.interrupts;
    if (!stages) return { second: new AbortController().signal, release: () => {} };
    return { second: stages.second, release: stages.hold(lastWords) };
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
    clearTimeout(this.#deadline);
    this.#waiting?.stop();
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
    // On a terminal, a slow or retried API call says so instead of leaving the user in silence.
    const waiting = out.animated ? new ApiWaitStatus((text) => out.status(text)) : undefined;
    this.#waiting = waiting;
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
        onRequest: (event) => {
          waiting?.onRequest(event);
          out.debug(
            redact(
              `→ ${event.method} ${event.url}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
            ),
          );
        },
        onResponse: (event) => {
          waiting?.onResponse(event);
          out.debug(
            redact(
              `← ${event.status ?? event.error?.code ?? '?'} ${event.method} ${event.path} ${Math.round(event.durationMs)}ms${event.requestId ? ` ${event.requestId}` : ''}`,
            ),
          );
        },
      },
    });
  }
}
