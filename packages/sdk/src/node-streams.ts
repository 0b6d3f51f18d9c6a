import { Readable, Writable } from 'node:stream';

/** The stream itself when it is a stream.Readable (keeps raw mode and TTY), else a wrapper. */
export function asReadable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : new Readable().wrap(stream);
}

export function asWritable(stream: NodeJS.WritableStream): Writable {
  if (stream instanceof Writable) return stream;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.write(chunk, (error?: Error | null) => done(error ?? null));
    },
  });
}
