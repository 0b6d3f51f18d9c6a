import { type AddressInfo, createServer } from 'node:net';

/* Local ports and HTTP polling for the tests of tunnels (port-forward, ssh -L/-R/-D). */

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What GET url answers once something does (polled for up to 30 s: the machine is loaded). */
export async function answered(url: string): Promise<string | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = await fetchText(url);
    if (body !== undefined || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What GET url answers, or undefined while nothing does. */
export async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}
