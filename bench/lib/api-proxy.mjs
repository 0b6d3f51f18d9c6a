// @ts-check
/**
 * An HTTP relay in front of an emulator's API that points one pod's `ssh_connect_cmd` at
 * another SSH server: how the bench puts a real OpenSSH `sshd` behind an emulated pod's address
 * (P7), until the emulator has a pod mode of its own with a real `sshd`. Everything else is
 * passed through unchanged; only 127.0.0.1 is ever listened on or connected to.
 */
import { once } from 'node:events';
import { createServer, request } from 'node:http';

/**
 * @param {{ baseUrl: string, podId: string, sshCmd: string }} options `baseUrl` the emulator's
 *   LIUM_BASE_URL; `sshCmd` what the pod's `ssh_connect_cmd` should say
 * @returns {Promise<{ baseUrl: string, stop: () => Promise<void> }>}
 */
export async function startSshRewritingProxy(options) {
  const upstream = new URL(options.baseUrl);
  /** @param {unknown} row */
  const rewrite = (row) => {
    if (
      row &&
      typeof row === 'object' &&
      /** @type {{ id?: unknown }} */ (row).id === options.podId
    ) {
      return { ...row, ssh_connect_cmd: options.sshCmd };
    }
    return row;
  };
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const body = [];
    req.on('data', (chunk) => body.push(chunk));
    req.on('end', () => {
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          /** @type {Buffer[]} */
          const chunks = [];
          answer.on('data', (chunk) => chunks.push(chunk));
          answer.on('end', () => {
            let payload = Buffer.concat(chunks);
            const path = (req.url ?? '').split('?')[0] ?? '';
            if (/\/pods(\/[^/]+)?$/.test(path) && answer.statusCode === 200) {
              try {
                const data = JSON.parse(payload.toString('utf8'));
                payload = Buffer.from(
                  JSON.stringify(Array.isArray(data) ? data.map(rewrite) : rewrite(data)),
                );
              } catch {
                // Not JSON: passed on as it came.
              }
            }
            const headers = { ...answer.headers, 'content-length': String(payload.length) };
            delete headers['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(payload);
          });
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(Buffer.concat(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
