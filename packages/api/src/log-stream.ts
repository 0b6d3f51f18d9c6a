/**
 * Pod logs arrive as a streamed line protocol in Server-Sent-Events style: each non-empty line is
 * `data: {"log": "<text>"}` or raw text (lium-api.md §2.3.5). The official client strips `data: `,
 * JSON-decodes and prints `log`, and prints anything it cannot decode as it came.
 */

/** The text a log line stands for; undefined for blank lines. */
export function parseLogLine(line: string): string | undefined {
  if (line.trim() === '') return undefined;
  if (!line.startsWith('data:')) return line;
  const payload = line.slice(5).replace(/^ /, '');
  try {
    const event: unknown = JSON.parse(payload);
    if (typeof event === 'object' && event !== null && 'log' in event) {
      const { log } = event as { log: unknown };
      return typeof log === 'string' ? log : JSON.stringify(log);
    }
  } catch {
    // not JSON: fall through and pass the line on unchanged
  }
  return line;
}

/** Splits a byte stream into lines (`\n` or `\r\n`), decoding UTF-8 across chunk borders. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    pending += decoder.decode();
    if (pending !== '') yield pending;
  } finally {
    reader.cancel().catch(() => {});
  }
}
