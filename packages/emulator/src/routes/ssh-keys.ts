import { randomUUID } from 'node:crypto';
import type { App } from '../app.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import { required } from './lookup.ts';

const PUBLIC_KEY_RE = /^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+( .*)?$/;

export function sshKeyRoutes(app: App): Route[] {
  const list = () => ({ body: [...app.store.sshKeys.values()] });
  return [
    { method: 'GET', pattern: '/ssh-keys', auth: 'required', handler: list },
    // Older alias ([C0]).
    { method: 'GET', pattern: '/ssh-keys/me', auth: 'required', handler: list },
    {
      method: 'POST',
      pattern: '/ssh-keys',
      auth: 'required',
      handler: (ctx) => {
        const { name, publicKey } = readKey(ctx, true);
        const iso = new Date().toISOString();
        const key = {
          id: randomUUID(),
          name: name ?? `key-${app.store.sshKeys.size + 1}`,
          public_key: publicKey as string,
          user_id: app.store.user.id,
          created_at: iso,
          updated_at: iso,
        };
        app.store.sshKeys.set(key.id, key);
        app.store.changed();
        return { body: key };
      },
    },
    {
      method: 'PUT',
      pattern: '/ssh-keys/{key_id}',
      auth: 'required',
      handler: (ctx) => {
        const key = required(app.store.sshKeys.get(ctx.params.key_id ?? ''), 'SSH key');
        const { name, publicKey } = readKey(ctx, false);
        if (name !== undefined) key.name = name;
        if (publicKey !== undefined) key.public_key = publicKey;
        key.updated_at = new Date().toISOString();
        app.store.changed();
        return { body: key };
      },
    },
    {
      method: 'DELETE',
      pattern: '/ssh-keys/{key_id}',
      auth: 'required',
      handler: (ctx) => {
        const key = required(app.store.sshKeys.get(ctx.params.key_id ?? ''), 'SSH key');
        app.store.sshKeys.delete(key.id);
        app.store.changed();
        return { body: { success: true } };
      },
    },
  ];
}

function readKey(ctx: RequestContext, creating: boolean): { name?: string; publicKey?: string } {
  const v = new Validator('body', ctx.body);
  // [C0] sent only `public_key`, so `name` is optional on create.
  const name = v.string('name', { minLength: 1, maxLength: 255 });
  const publicKey = v.string('public_key', { required: creating, minLength: 1 })?.trim();
  if (publicKey !== undefined && !PUBLIC_KEY_RE.test(publicKey))
    v.fail('public_key', 'not an OpenSSH public key line');
  v.done();
  return {
    ...(name === undefined ? {} : { name }),
    ...(publicKey === undefined ? {} : { publicKey }),
  };
}
