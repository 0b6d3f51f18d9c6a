import { EmulatorError } from '../errors.ts';
import { HttpError } from '../http/errors.ts';
import type { Route } from '../http/types.ts';
import type { PodFaultSpec } from '../runtime/fleet.ts';
import type { EmulatorControl } from './control.ts';
import type { RouteFaultSpec } from './faults.ts';

/** The control API over HTTP, under `/_emulator` (outside `/api`, so it never collides with a real route). */
export function controlRoutes(control: EmulatorControl): Route[] {
  const route = (method: string, pattern: string, handler: Route['handler']): Route => ({
    method,
    pattern,
    auth: 'public',
    handler: async (ctx) => {
      try {
        return await handler(ctx);
      } catch (error) {
        if (error instanceof EmulatorError) {
          throw new HttpError(
            error.code.endsWith('not_found') ? 404 : 400,
            error.code,
            error.message,
            {
              ...(error.hint === undefined ? {} : { hint: error.hint }),
            },
          );
        }
        throw error;
      }
    },
  });
  const count = (body: unknown): number => {
    const value = (body as { count?: unknown } | undefined)?.count;
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
  };
  return [
    route('GET', '/health', () => ({ body: { ok: true } })),
    route('GET', '/requests', (ctx) => {
      const method = ctx.query.get('method');
      const path = ctx.query.get('path');
      return {
        body: control.requests({
          ...(method === null ? {} : { method }),
          ...(path === null ? {} : { path }),
        }),
      };
    }),
    route('DELETE', '/requests', () => {
      control.clearRequests();
      return { body: { success: true } };
    }),
    route('GET', '/faults', () => ({ body: control.faults() })),
    route('POST', '/faults', (ctx) => ({
      status: 201,
      body: control.addFault(ctx.body as RouteFaultSpec),
    })),
    route('DELETE', '/faults', () => {
      control.clearFaults();
      return { body: { success: true } };
    }),
    route('DELETE', '/faults/{fault_id}', (ctx) => {
      if (!control.removeFault(ctx.params.fault_id ?? ''))
        throw new HttpError(404, 'not_found', 'Fault not found');
      return { body: { success: true } };
    }),
    route('GET', '/pods/{pod_id}', (ctx) => {
      const pod = control.pod(ctx.params.pod_id ?? '');
      if (pod === undefined) throw new HttpError(404, 'not_found', 'Pod not found');
      return { body: pod };
    }),
    route('POST', '/pods/{pod_id}/faults', (ctx) => ({
      body: control.setPodFaults(ctx.params.pod_id ?? '', (ctx.body ?? {}) as PodFaultSpec),
    })),
    route('POST', '/pods/{pod_id}/fail', (ctx) => {
      const reason = (ctx.body as { reason?: unknown } | undefined)?.reason;
      control.failPod(ctx.params.pod_id ?? '', typeof reason === 'string' ? reason : undefined);
      return { body: { success: true } };
    }),
    route('POST', '/pods/{pod_id}/logs', (ctx) => {
      const body = (ctx.body ?? {}) as { line?: unknown; lines?: unknown };
      const lines = Array.isArray(body.lines) ? body.lines : [body.line];
      for (const line of lines) {
        if (typeof line === 'string') control.appendPodLog(ctx.params.pod_id ?? '', line);
      }
      return { body: { success: true } };
    }),
    route('POST', '/rent-failures', (ctx) => {
      control.failNextRents(count(ctx.body));
      return { body: { success: true } };
    }),
    route('POST', '/template-verification-failures', (ctx) => {
      control.failNextTemplateVerifications(count(ctx.body));
      return { body: { success: true } };
    }),
    route('POST', '/backup-failures', (ctx) => {
      const reason = (ctx.body as { reason?: unknown } | undefined)?.reason;
      control.failNextBackups(count(ctx.body), typeof reason === 'string' ? reason : undefined);
      return { body: { success: true } };
    }),
    route('GET', '/balance', () => ({ body: { balance: control.balance() } })),
    route('PUT', '/balance', (ctx) => {
      control.setBalance(Number((ctx.body as { balance?: unknown } | undefined)?.balance));
      return { body: { balance: control.balance() } };
    }),
  ];
}
