import { randomUUID } from 'node:crypto';
import type { App } from '../app.ts';
import { badRequest } from '../http/errors.ts';
import type { Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import type { Volume } from '../state/types.ts';
import { required } from './lookup.ts';

export function volumeRoutes(app: App): Route[] {
  const find = (id: string | undefined): Volume =>
    required(app.store.volumes.get((id ?? '').toLowerCase()), 'Volume');
  return [
    {
      method: 'GET',
      pattern: '/volumes',
      auth: 'required',
      handler: () => ({ body: [...app.store.volumes.values()] }),
    },
    {
      method: 'GET',
      pattern: '/volumes/{volume_id}',
      auth: 'required',
      handler: (ctx) => ({ body: find(ctx.params.volume_id) }),
    },
    {
      method: 'POST',
      pattern: '/volumes',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body);
        const name = v.string('name', { required: true, minLength: 1, maxLength: 255 });
        const description = v.string('description') ?? '';
        v.done();
        const iso = new Date().toISOString();
        const volume: Volume = {
          id: randomUUID(),
          name: name as string,
          description,
          created_at: iso,
          updated_at: iso,
          current_size_bytes: 0,
          current_file_count: 0,
          current_size_gb: 0,
          current_size_mb: 0,
          last_metrics_update: null,
        };
        app.store.volumes.set(volume.id, volume);
        app.store.changed();
        return { body: volume };
      },
    },
    {
      method: 'PUT',
      pattern: '/volumes/{volume_id}',
      auth: 'required',
      handler: (ctx) => {
        const volume = find(ctx.params.volume_id);
        const v = new Validator('body', ctx.body);
        const name = v.string('name', { minLength: 1, maxLength: 255 });
        const description = v.string('description');
        v.done();
        if (name === undefined && description === undefined) {
          throw badRequest('Nothing to update: send name and/or description');
        }
        if (name !== undefined) volume.name = name;
        if (description !== undefined) volume.description = description;
        volume.updated_at = new Date().toISOString();
        app.store.changed();
        return { body: volume };
      },
    },
    {
      method: 'DELETE',
      pattern: '/volumes/{volume_id}',
      auth: 'required',
      handler: (ctx) => {
        const volume = find(ctx.params.volume_id);
        const attached = [...app.store.pods.values()].find((p) => p.volume_id === volume.id);
        if (attached !== undefined) {
          throw badRequest(
            `Volume is attached to pod ${attached.pod_name}`,
            'Delete the pod first.',
          );
        }
        app.store.volumes.delete(volume.id);
        app.store.changed();
        return { body: { success: true } };
      },
    },
  ];
}
