import type { App } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import type { Template } from '../state/types.ts';
import { requireTemplate, visibleTemplate } from './lookup.ts';

const CATEGORIES = ['DOCKER', 'PYTORCH', 'NVIDIA', 'TENSOR_FLOW', 'OPEN_AI', 'UBUNTU'];

export function templateRoutes(app: App): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/templates',
      auth: 'required',
      handler: () => ({
        body: [...app.store.templates.values()]
          .filter((r) => visibleTemplate(app, r))
          .map((r) => r.template),
      }),
    },
    {
      method: 'GET',
      pattern: '/templates/{template_id}',
      auth: 'required',
      handler: (ctx) => ({ body: requireTemplate(app, ctx.params.template_id ?? '').template }),
    },
    {
      method: 'POST',
      pattern: '/templates',
      auth: 'required',
      handler: (ctx) => {
        const fields = readTemplate(ctx, undefined);
        return { body: app.templates.create({ ...fields, user_id: app.store.user.id }) };
      },
    },
    {
      method: 'PUT',
      pattern: '/templates/{template_id}',
      auth: 'required',
      handler: (ctx) => {
        const record = requireTemplate(app, ctx.params.template_id ?? '');
        requireOwner(app, record.template);
        const updated = app.templates.update(record, readTemplate(ctx, record.template));
        // Pods on this template pick the change up with a reboot, as the backend does ([N]).
        for (const pod of app.store.pods.values()) {
          if (pod.template_id === updated.id && pod.status === 'RUNNING') {
            app.fleet.restart(pod, { wipeData: false, reason: 'TemplateUpdated' });
          }
        }
        return { body: updated };
      },
    },
    {
      method: 'DELETE',
      pattern: '/templates/{template_id}',
      auth: 'required',
      handler: (ctx) => {
        const record = requireTemplate(app, ctx.params.template_id ?? '');
        requireOwner(app, record.template);
        app.store.templates.delete(record.template.id);
        app.store.changed();
        return { body: { success: true } };
      },
    },
  ];
}

function requireOwner(app: App, template: Template): void {
  if (template.user_id !== app.store.user.id) {
    throw new HttpError(
      403,
      'permission_denied',
      'You do not have permission to modify this template',
      {
        hint: 'Only templates you created can be changed; create your own with POST /templates.',
      },
    );
  }
}

type TemplateFields = Omit<
  Template,
  'id' | 'status' | 'created_at' | 'updated_at' | 'verification_logs' | 'user_id'
>;

/** Reads a create (all defaults from §2.4.3) or a full-object update body. */
function readTemplate(ctx: RequestContext, base: Template | undefined): TemplateFields {
  const v = new Validator('body', ctx.body);
  const name = v.string('name', { required: base === undefined, minLength: 1 });
  const image = v.string('docker_image', { required: base === undefined, minLength: 1 });
  const category = v.string('category');
  if (category !== undefined && !CATEGORIES.includes(category)) {
    v.issues.push({
      loc: ['body', 'category'],
      msg: `Input should be ${CATEGORIES.map((c) => `'${c}'`).join(', ')}`,
      type: 'enum',
      input: category,
    });
  }
  const fields: TemplateFields = {
    name: name ?? base?.name ?? '',
    description: v.string('description') ?? base?.description ?? name ?? '',
    docker_image: image ?? base?.docker_image ?? '',
    docker_image_tag: v.string('docker_image_tag') ?? base?.docker_image_tag ?? 'latest',
    docker_image_digest: v.string('docker_image_digest') ?? base?.docker_image_digest ?? '',
    docker_image_size: v.int('docker_image_size', { min: 0 }) ?? base?.docker_image_size ?? null,
    category: category ?? base?.category ?? 'DOCKER',
    volumes: v.stringList('volumes') ?? base?.volumes ?? ['/workspace'],
    environment: v.stringMap('environment') ?? base?.environment ?? {},
    entrypoint: v.string('entrypoint') ?? base?.entrypoint ?? '',
    internal_ports: v.intList('internal_ports') ?? base?.internal_ports ?? [22, 8000],
    is_private: v.bool('is_private') ?? base?.is_private ?? true,
    readme: v.string('readme') ?? base?.readme ?? name ?? '',
    startup_commands: v.string('startup_commands') ?? base?.startup_commands ?? '',
    docker_credential_id: v.uuid('docker_credential_id') ?? base?.docker_credential_id ?? null,
    container_start_immediately:
      v.bool('container_start_immediately') ?? base?.container_start_immediately ?? true,
    one_time_template: v.bool('one_time_template') ?? base?.one_time_template ?? false,
    is_temporary: v.bool('is_temporary') ?? base?.is_temporary ?? false,
  };
  v.done();
  return fields;
}
