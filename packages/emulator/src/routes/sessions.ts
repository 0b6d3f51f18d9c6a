import { randomBytes, randomUUID } from 'node:crypto';
import type { App } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';

interface IssuedKey {
  id: string;
  name: string;
  key: string;
  created_at: string;
}

/**
 * The session-token account endpoints ([C0] bootstrap, still used by [N] for key management,
 * reference §2.1.3): `POST /users/login` with the emulator user's email and any password gives
 * a bearer token; `GET|POST /keys` with it list and mint API keys the emulator then accepts.
 */
export function sessionRoutes(app: App): Route[] {
  const sessions = new Set<string>();
  const issued: IssuedKey[] = app.config.apiKeys.map((key, index) => ({
    id: randomUUID(),
    name: index === 0 ? 'emulator' : `emulator-${index + 1}`,
    key,
    created_at: app.store.user.created_at,
  }));
  const requireSession = (ctx: RequestContext): void => {
    const header = ctx.headers.authorization;
    const token =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (token === undefined || !sessions.has(token)) {
      throw new HttpError(401, 'unauthenticated', 'Could not validate credentials', {
        hint: 'POST /users/login first and send Authorization: Bearer <token>.',
      });
    }
  };
  return [
    {
      method: 'POST',
      pattern: '/users/login',
      auth: 'none',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body);
        const email = v.string('email', { required: true });
        const password = v.string('password', { required: true, minLength: 1 });
        v.done();
        if (email?.toLowerCase() !== app.store.user.email || password === undefined) {
          throw new HttpError(401, 'unauthenticated', 'Incorrect email or password', {
            hint: `The emulator's user is ${app.store.user.email} (any password).`,
          });
        }
        const token = `emu-session-${randomBytes(24).toString('hex')}`;
        sessions.add(token);
        return { body: { token, token_type: 'bearer' } };
      },
    },
    {
      method: 'GET',
      pattern: '/keys',
      auth: 'none',
      handler: (ctx) => {
        requireSession(ctx);
        return { body: issued };
      },
    },
    {
      method: 'POST',
      pattern: '/keys',
      auth: 'none',
      handler: (ctx) => {
        requireSession(ctx);
        const v = new Validator('body', ctx.body);
        const name = v.string('name', { required: true, minLength: 1, maxLength: 255 });
        v.done();
        const entry: IssuedKey = {
          id: randomUUID(),
          name: name as string,
          key: `lium-emu-${randomBytes(16).toString('hex')}`,
          created_at: new Date().toISOString(),
        };
        issued.push(entry);
        // Accepted at once; not kept in --state (restarts accept the configured keys only).
        app.config.apiKeys.push(entry.key);
        return { body: entry };
      },
    },
  ];
}
