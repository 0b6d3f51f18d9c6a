import { randomUUID } from 'node:crypto';
import type { Store } from '../state/store.ts';
import type { Template, TemplateRecord } from '../state/types.ts';

/** Templates the user creates go VERIFY_PENDING → VERIFY_SUCCESS|VERIFY_FAILED (reference §2.4.6). */
export class Templates {
  private verificationFailures = 0;

  constructor(
    private readonly store: Store,
    private readonly verifyDelayMs: number,
  ) {}

  failNextVerifications(count: number): void {
    this.verificationFailures += count;
  }

  create(
    fields: Omit<Template, 'id' | 'status' | 'created_at' | 'updated_at' | 'verification_logs'>,
  ): Template {
    const iso = new Date().toISOString();
    const template: Template = {
      ...fields,
      id: randomUUID(),
      status: 'VERIFY_PENDING',
      verification_logs: '',
      created_at: iso,
      updated_at: iso,
    };
    this.store.templates.set(template.id, this.pending(template));
    this.store.changed();
    return template;
  }

  /** Replaces a template's fields; a changed image is verified again. */
  update(record: TemplateRecord, fields: Partial<Template>): Template {
    const before = record.template;
    const after: Template = {
      ...before,
      ...fields,
      id: before.id,
      user_id: before.user_id,
      created_at: before.created_at,
      updated_at: new Date().toISOString(),
    };
    const imageChanged =
      after.docker_image !== before.docker_image ||
      after.docker_image_tag !== before.docker_image_tag;
    if (imageChanged) this.store.templates.set(after.id, this.pending(after));
    else {
      after.status = before.status === 'VERIFY_PENDING' ? 'VERIFY_PENDING' : 'UPDATED';
      if (before.status === 'VERIFY_SUCCESS' || before.status === 'VERIFY_FAILED')
        after.status = before.status;
      record.template = after;
    }
    this.store.changed();
    return after;
  }

  /** A private copy for switch-template: the pod's template gets a new id (§2.3.6). */
  clone(source: Template, userId: string): Template {
    const iso = new Date().toISOString();
    const template: Template = {
      ...source,
      id: randomUUID(),
      user_id: userId,
      is_private: true,
      is_temporary: true,
      status: source.status === 'VERIFY_FAILED' ? 'VERIFY_FAILED' : 'VERIFY_SUCCESS',
      created_at: iso,
      updated_at: iso,
    };
    this.store.templates.set(template.id, { template, verifyAt: null, verifyOutcome: null });
    this.store.changed();
    return template;
  }

  sweep(now = Date.now()): void {
    for (const record of this.store.templates.values()) {
      if (record.verifyAt === null || record.verifyAt > now) continue;
      const outcome = record.verifyOutcome ?? 'VERIFY_SUCCESS';
      record.template = {
        ...record.template,
        status: outcome,
        verification_logs:
          outcome === 'VERIFY_SUCCESS'
            ? `Pulled ${record.template.docker_image}:${record.template.docker_image_tag}; ssh check passed`
            : `Verification of ${record.template.docker_image}:${record.template.docker_image_tag} failed: container did not start sshd`,
        updated_at: new Date(now).toISOString(),
      };
      record.verifyAt = null;
      record.verifyOutcome = null;
      this.store.changed();
    }
  }

  private pending(template: Template): TemplateRecord {
    template.status = 'VERIFY_PENDING';
    const fail = this.verificationFailures > 0;
    if (fail) this.verificationFailures--;
    return {
      template,
      verifyAt: Date.now() + this.verifyDelayMs,
      verifyOutcome: fail ? 'VERIFY_FAILED' : 'VERIFY_SUCCESS',
    };
  }
}
