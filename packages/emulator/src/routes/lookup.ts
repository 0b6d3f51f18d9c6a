import type { App } from '../app.ts';
import { notFound } from '../http/errors.ts';
import type { PodRecord, TemplateRecord } from '../state/types.ts';

/** The caller's pod by id (404 JSON otherwise). Pods being deleted are already gone. */
export function requirePod(app: App, id: string): PodRecord {
  const pod = app.store.pods.get(id.toLowerCase());
  if (pod === undefined) throw notFound('Pod');
  return pod;
}

/** A template the caller can see: official/public ones and their own. */
export function requireTemplate(app: App, id: string): TemplateRecord {
  const record = app.store.templates.get(id.toLowerCase());
  if (record === undefined || !(visibleTemplate(app, record) || ownClone(app, record)))
    throw notFound('Template');
  return record;
}

/**
 * A switch-template clone (`is_temporary`) is left out of `GET /templates`, but its owner reaches
 * it by id: the reference is silent, and the official SDK's `edit(pod_id, …)` reads
 * `pod.template.id` and sends `PUT /templates/{id}`, which must work after a switch.
 */
function ownClone(app: App, record: TemplateRecord): boolean {
  return record.template.is_temporary && record.template.user_id === app.store.user.id;
}

export function visibleTemplate(app: App, record: TemplateRecord): boolean {
  const t = record.template;
  return (
    !t.is_temporary && (!t.is_private || t.user_id === app.store.user.id || t.user_id === null)
  );
}

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw notFound(what);
  return value;
}
