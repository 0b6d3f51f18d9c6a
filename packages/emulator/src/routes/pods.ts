import type { App } from '../app.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import type { RequestContext, Route, StreamResult } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import type { PodRecord } from '../state/types.ts';
import { podDetail, podRow } from '../views.ts';
import { requirePod, requireTemplate } from './lookup.ts';

export function podRoutes(app: App): Route[] {
  const route = (method: string, pattern: string, handler: Route['handler']): Route => ({
    method,
    pattern,
    auth: 'required',
    handler,
  });
  return [
    route('GET', '/pods', () => ({
      body: [...app.store.pods.values()].map((pod) => podRow(app, pod)),
    })),
    route('GET', '/pods/{pod_id}', (ctx) => {
      const id = (ctx.params.pod_id ?? '').toLowerCase();
      // 2025 clients looked pods up by executor id right after renting (reference §2.3.2).
      const pod =
        app.store.pods.get(id) ?? [...app.store.pods.values()].find((p) => p.executor_id === id);
      if (pod === undefined) throw notFound('Pod');
      return { body: podDetail(app, pod) };
    }),
    route('DELETE', '/pods/{pod_id}', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      app.fleet.delete(pod);
      return { body: { success: true, message: 'Pod deleted', pod_id: pod.id } };
    }),
    route('POST', '/pods/{pod_id}/reboot', (ctx) => reboot(app, ctx)),
    route('PUT', '/pods/{pod_id}/switch-template', (ctx) => switchTemplate(app, ctx)),
    route('GET', '/pods/{pod_id}/logs', (ctx) => logs(app, ctx)),
    route('GET', '/pods/{pod_id}/events', (ctx) => ({
      body: requirePod(app, ctx.params.pod_id ?? '').events,
    })),
    route('POST', '/pods/{pod_id}/schedule-removal', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      const v = new Validator('body', ctx.body);
      const at = v.string('removal_scheduled_at', { required: true });
      const when = at === undefined ? Number.NaN : Date.parse(at);
      if (at !== undefined && Number.isNaN(when)) {
        v.fail(
          'removal_scheduled_at',
          'Input should be a valid datetime',
          'datetime_from_date_parsing',
        );
      }
      v.done();
      if (when <= Date.now()) {
        throw badRequest(
          'removal_scheduled_at must be in the future',
          'Send a time after now, in ISO-8601 with a timezone.',
        );
      }
      pod.removal_scheduled_at = new Date(when).toISOString();
      pod.updated_at = new Date().toISOString();
      app.fleet.event(
        pod,
        'pod.removal_scheduled',
        'RemovalScheduled',
        `Removal scheduled at ${pod.removal_scheduled_at}`,
      );
      app.store.changed();
      return {
        body: { success: true, pod_id: pod.id, removal_scheduled_at: pod.removal_scheduled_at },
      };
    }),
    route('DELETE', '/pods/{pod_id}/schedule-removal', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      if (pod.removal_scheduled_at === null) throw notFound('Scheduled removal');
      pod.removal_scheduled_at = null;
      pod.updated_at = new Date().toISOString();
      app.fleet.event(
        pod,
        'pod.removal_cancelled',
        'RemovalCancelled',
        'Scheduled removal cancelled',
      );
      app.store.changed();
      return { body: { success: true, pod_id: pod.id } };
    }),
    route('POST', '/pods/{pod_id}/install-jupyter', (ctx) => installJupyter(app, ctx)),
  ];
}

function requireRunning(pod: PodRecord, action: string, alsoFailed = false): void {
  if (pod.status !== 'RUNNING' && !(alsoFailed && pod.status === 'FAILED')) {
    throw badRequest(
      `Cannot ${action} a pod in status ${pod.status}`,
      'Wait until the pod is RUNNING.',
    );
  }
}

function reboot(app: App, ctx: RequestContext) {
  const pod = requirePod(app, ctx.params.pod_id ?? '');
  const v = new Validator('body', ctx.body ?? {});
  const volumeId = v.uuid('volume_id');
  v.done();
  if (volumeId !== undefined && !app.store.volumes.has(volumeId)) throw notFound('Volume');
  // A FAILED pod can be rebooted back to life, and so can one stopped at a $0 balance once
  // the account has money again.
  if (pod.status === 'STOPPED') {
    if (app.store.balance <= 0) {
      throw new HttpError(403, 'insufficient_balance', 'Insufficient balance', {
        hint: 'Add funds first: the pod was stopped because the balance reached $0.',
      });
    }
  } else requireRunning(pod, 'reboot', true);
  if (volumeId !== undefined) pod.volume_id = volumeId;
  app.fleet.restart(pod, { wipeData: false, reason: 'Reboot' });
  return { body: podRow(app, pod) };
}

/** The template is cloned (the pod's template gets a new id) and data does not persist (§2.3.6). */
function switchTemplate(app: App, ctx: RequestContext) {
  const pod = requirePod(app, ctx.params.pod_id ?? '');
  const v = new Validator('body', ctx.body);
  const templateId = v.uuid('template_id', { required: true });
  v.done();
  const source = requireTemplate(app, templateId as string).template;
  requireRunning(pod, 'switch the template of');
  const clone = app.templates.clone(source, app.store.user.id);
  pod.template_id = clone.id;
  pod.extra_ports = {};
  app.fleet.restart(pod, { wipeData: true, reason: 'TemplateSwitch' });
  // The switch answer is a pod-like subset (§2.3.6) with the new template id.
  const row = podRow(app, pod);
  const fields = [
    'id',
    'pod_name',
    'status',
    'ssh_connect_cmd',
    'ports_mapping',
    'created_at',
    'updated_at',
    'gpu_name',
    'gpu_count',
    'enable_volume_encryption',
    'volume_encryption_status',
  ];
  return {
    body: {
      ...Object.fromEntries(fields.map((field) => [field, row[field]])),
      executor_id: pod.executor_id,
      template_id: clone.id,
    },
  };
}

function installJupyter(app: App, ctx: RequestContext) {
  const pod = requirePod(app, ctx.params.pod_id ?? '');
  const v = new Validator('body', ctx.body);
  const port = v.int('jupyter_internal_port', { required: true, min: 1, max: 65535 });
  v.done();
  requireRunning(pod, 'install Jupyter on');
  const external = pod.extra_ports[String(port)];
  if (external === undefined) {
    throw badRequest(
      `Port ${port} is not mapped on this pod`,
      'Use one of the internal ports in ports_mapping.',
    );
  }
  // There is no Jupyter server inside an emulated pod; the status and URL follow the real flow.
  pod.jupyter_installation_status = 'SUCCESS';
  pod.jupyter_url = `http://${app.config.advertisedHost}:${external}/?token=${pod.id.replace(/-/g, '').slice(0, 32)}`;
  app.logs.append(pod, `Jupyter installed on internal port ${port}`);
  app.store.changed();
  return { body: { success: true, pod_id: pod.id } };
}

/** `data: {"log": …}` lines (SSE); `follow=true` keeps the stream open (reference §2.3.5). */
function logs(app: App, ctx: RequestContext): StreamResult {
  const pod = requirePod(app, ctx.params.pod_id ?? '');
  const v = new Validator('query', Object.fromEntries(ctx.query));
  const tail = v.int('tail', { min: 0 }) ?? 100;
  const follow = v.bool('follow') ?? false;
  v.done();
  if (!pod.deployed) {
    throw new HttpError(404, 'not_found', 'Pod container not deployed yet', {
      hint: 'Wait until the pod is RUNNING, then ask for its logs again.',
    });
  }
  const frame = (line: string): string => `data: ${JSON.stringify({ log: line })}\n\n`;
  return {
    contentType: 'text/event-stream; charset=utf-8',
    write: (res, signal) =>
      new Promise<void>((resolve) => {
        const lines = tail === 0 ? [] : pod.logs.slice(-tail);
        for (const line of lines) res.write(frame(line));
        if (!follow) {
          resolve();
          return;
        }
        const unsubscribe = app.logs.subscribe(pod.id, (line) => {
          if (line === null) finish();
          else res.write(frame(line));
        });
        const finish = (): void => {
          unsubscribe();
          signal.removeEventListener('abort', finish);
          resolve();
        };
        signal.addEventListener('abort', finish, { once: true });
      }),
  };
}
