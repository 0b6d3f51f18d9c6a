import type { ClientChannel } from 'ssh2';
import type { ExecResult } from './exec.ts';

/** A piece of a streamed command's output, as it arrived. */
export interface ExecChunk {
  /** Which stream it came from. */
  stream: 'stdout' | 'stderr';
  /** The bytes, unsplit. */
  data: Buffer;
}

/** A running command's output as an async iterable (with back-pressure), and its result. */
export type ExecStream = AsyncIterable<ExecChunk> & {
  /** Settles when the command ends: exit code and signal (the output went to the iterable). */
  result: Promise<ExecResult>;
};

const HIGH_WATER = 1024 * 1024;

/**
 * Turns the callbacks of one exec into an async iterable. When the consumer falls behind by
 * more than 1 MiB the channel is paused, so SSH flow control pushes back on the remote command.
 */
export function createExecStream(
  start: (hooks: {
    onStdout: (chunk: Buffer) => void;
    onStderr: (chunk: Buffer) => void;
    onChannel: (channel: ClientChannel) => void;
  }) => Promise<ExecResult>,
): ExecStream {
  const queue: ExecChunk[] = [];
  let queued = 0;
  let channel: ClientChannel | undefined;
  let paused = false;
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;

  const push = (stream: ExecChunk['stream'], data: Buffer) => {
    queue.push({ stream, data });
    queued += data.length;
    if (queued > HIGH_WATER && channel && !paused) {
      paused = true;
      channel.pause();
      channel.stderr.pause();
    }
    wake?.();
  };
  const result = start({
    onStdout: (chunk) => push('stdout', chunk),
    onStderr: (chunk) => push('stderr', chunk),
    onChannel: (opened) => {
      channel = opened;
    },
  });
  result.then(
    () => {
      done = true;
      wake?.();
    },
    (error: unknown) => {
      done = true;
      failure = error;
      wake?.();
    },
  );

  async function* iterate(): AsyncGenerator<ExecChunk> {
    while (true) {
      const next = queue.shift();
      if (next) {
        queued -= next.data.length;
        if (paused && queued < HIGH_WATER / 2 && channel) {
          paused = false;
          channel.resume();
          channel.stderr.resume();
        }
        yield next;
        continue;
      }
      if (done) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
  // The caller may only await `result`; never let its rejection go unhandled through the iterator.
  result.catch(() => undefined);
  return Object.assign({ [Symbol.asyncIterator]: iterate }, { result });
}
