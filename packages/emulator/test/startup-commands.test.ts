import { describe, expect, it } from 'vitest';
import { opensshPodsUnavailable, type PodSshServer } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  eventually,
  newKeyPair,
  processesNamed,
  rentPod,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

// What `lium up --image python:3.11 --cmd … -e GREETING=hi` (the official client) creates
// before renting: a one-time template whose startup commands are the container's command.
const templateBody = (startup: string) => ({
  name: `ephemeral-${Date.now()}`,
  docker_image: 'python',
  docker_image_digest: '',
  docker_image_tag: '3.11',
  internal_ports: [22, 8000],
  startup_commands: startup,
  category: 'UBUNTU',
  container_start_immediately: true,
  description: 'one-time',
  entrypoint: '',
  environment: { GREETING: 'hi' },
  is_private: true,
  one_time_template: true,
  is_temporary: false,
  readme: 'one-time',
  volumes: ['/workspace'],
});

async function podLog(api: ApiClient, podId: string): Promise<string[]> {
  const response = await api('GET', `/pods/${podId}/logs?tail=1000&follow=false`);
  return response.text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => (JSON.parse(line.slice(6)) as { log: string }).log);
}

async function logUntil(
  api: ApiClient,
  podId: string,
  check: (lines: string[]) => boolean,
): Promise<string[]> {
  const deadline = Date.now() + 30_000; // generous: the machine is loaded
  for (;;) {
    const lines = await podLog(api, podId);
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`log never matched:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const servers: PodSshServer[] = ['ssh2', 'openssh'];
for (const podSsh of servers) {
  const unavailable = podSsh === 'openssh' ? opensshPodsUnavailable() : undefined;
  if (unavailable !== undefined)
    console.warn(`Skipping startup commands on OpenSSH pods: ${unavailable}`);
  describe.skipIf(unavailable !== undefined)(`template startup_commands (${podSsh} pods)`, () => {
    it('run in the pod at every start, their output in GET /pods/{id}/logs', async () => {
      const emulator = await startTestEmulator({ executors: 10, podSsh });
      try {
        const api = apiClient(emulator);
        const template = await api<{ id: string }>(
          'POST',
          '/templates',
          templateBody(
            'echo "hello-$GREETING"; echo to-stderr >&2; echo started >>/root/starts; exit 3',
          ),
        );
        expect(template.status).toBe(200);
        const keys = newKeyPair();
        const pod = await waitForPod(
          api,
          (await rentPod(api, keys.publicKey, { templateId: template.body.id })).id,
        );
        const first = await logUntil(api, pod.id, (lines) =>
          lines.includes('Startup commands exited with code 3'),
        );
        expect(first).toContain('hello-hi');
        expect(first).toContain('to-stderr');
        expect(first.indexOf('hello-hi')).toBeGreaterThan(
          first.findIndex((line) => line.startsWith('Running startup commands: ')),
        );
        // The pod stays up when its command ends.
        expect((await api<{ status: string }>('GET', `/pods/${pod.id}`)).body.status).toBe(
          'RUNNING',
        );

        // A reboot starts the container again: the commands run again, in the same files.
        expect((await api('POST', `/pods/${pod.id}/reboot`, {})).status).toBe(200);
        await waitForPod(api, pod.id);
        const second = await logUntil(
          api,
          pod.id,
          (lines) => lines.filter((l) => l === 'Startup commands exited with code 3').length === 2,
        );
        expect(second.filter((line) => line === 'hello-hi')).toHaveLength(2);
      } finally {
        await emulator.close();
      }
    });

    it('a long-running startup command keeps running and ends with the pod', async () => {
      const emulator = await startTestEmulator({ executors: 10, podSsh });
      try {
        const api = apiClient(emulator);
        const marker = `lium-startup-${podSsh}-${process.pid}-${Date.now()}`;
        const template = await api<{ id: string }>(
          'POST',
          '/templates',
          templateBody(`echo serving; exec -a ${marker} sleep 600`),
        );
        const pod = await waitForPod(
          api,
          (await rentPod(api, newKeyPair().publicKey, { templateId: template.body.id })).id,
        );
        await logUntil(api, pod.id, (lines) => lines.includes('serving'));
        await eventually(() => processesNamed(marker).length === 1, 30_000);
        expect((await api('DELETE', `/pods/${pod.id}`)).status).toBe(200);
        await eventually(() => processesNamed(marker).length === 0, 30_000);
      } finally {
        // close() must not hang on the sleeping command.
        await emulator.close();
      }
    });
  });
}
