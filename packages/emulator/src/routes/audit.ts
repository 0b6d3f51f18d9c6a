import type { App } from '../app.ts';
import type { RecordedRequest } from '../control/recorder.ts';
import type { Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/**
 * `GET /account/audit` ([N], reference §2.1.5), built from the emulator's request record: one
 * item per change the account made (POST/PUT/PATCH/DELETE), newest first, with a cursor.
 */
export function auditRoutes(app: App): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/account/audit',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('query', Object.fromEntries(ctx.query));
        const limit = v.int('limit', { min: 1, max: 500 }) ?? 100;
        const cursor = v.int('cursor', { min: 0 });
        v.done();
        const since = ctx.query.get('since');
        const until = ctx.query.get('until');
        const action = ctx.query.get('action');
        const source = ctx.query.get('source');
        const resourceId = ctx.query.get('resource_id');
        const items = app.recorder
          .list()
          .filter(
            (r) => MUTATING.has(r.method) && typeof r.outcome === 'number' && r.outcome !== 401,
          )
          .reverse()
          .filter((r) => cursor === undefined || r.seq < cursor)
          .map((r) => auditItem(app, r))
          .filter(
            (item) =>
              (since === null || item.created_at >= since) &&
              (until === null || item.created_at <= until) &&
              (action === null || item.action.startsWith(action)) &&
              (source === null || item.source === source) &&
              (resourceId === null || item.resource_id === resourceId),
          );
        const page = items.slice(0, limit);
        const last = page[page.length - 1];
        return {
          body: {
            items: page,
            next_cursor: items.length > limit && last !== undefined ? String(last.seq) : null,
          },
        };
      },
    },
  ];
}

interface AuditItem {
  seq: number;
  action: string;
  actor: { auth: 'api_key'; user_id: string; api_key_id: null; api_key_name: null };
  source: string;
  ip: string;
  user_agent: string | null;
  request_id: string;
  method: string;
  route: string;
  status_code: number;
  resource_type: string;
  resource_id: string | null;
  summary: string;
  created_at: string;
}

function auditItem(app: App, request: RecordedRequest): AuditItem {
  const [collection = '', id, sub] = request.path.split('/').filter(Boolean);
  const renting = collection === 'executors' && sub === 'rent';
  const resourceType = renting ? 'pod' : singular(collection);
  const verb = renting
    ? request.method === 'DELETE'
      ? 'delete'
      : 'create'
    : sub !== undefined
      ? sub.replace(/-/g, '_')
      : (VERBS[request.method] ?? 'change');
  const action = `${resourceType}.${verb}`;
  return {
    seq: request.seq,
    action,
    actor: { auth: 'api_key', user_id: app.store.user.id, api_key_id: null, api_key_name: null },
    source: request.headers['x-source'] ?? 'api',
    ip: app.config.advertisedHost,
    user_agent: request.headers['user-agent'] ?? null,
    request_id: request.requestId,
    method: request.method,
    route: request.path,
    status_code: request.outcome as number,
    resource_type: renting ? 'executor' : resourceType,
    resource_id: id ?? null,
    summary: `${request.method} ${request.path} → ${String(request.outcome)}`,
    created_at: request.at,
  };
}

function singular(collection: string): string {
  return collection.replace(/-/g, '_').replace(/s$/, '');
}
