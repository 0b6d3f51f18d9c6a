import { randomUUID } from 'node:crypto';
import type { Store } from '../state/store.ts';
import type { Template, TemplateRecord } from '../state/types.ts';
import { checkImageInRegistry, type RegistryVerdict } from './registry-check.ts';

/** A registry check under way for a pending template; `verdict` is set when it answers. */
interface RegistryCheck {
  verdict?: RegistryVerdict;
}

/** Templates the user creates go VERIFY_PENDING → VERIFY_SUCCESS|VERIFY_FAILED (reference §2.4.6). */
export class Templates {
  private verificationFailures = 0;
  /** By template id: the manifest check of its latest pending verification. */
  private readonly checks = new Map<string, RegistryCheck>();

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
      const check = this.checks.get(record.template.id);
      // Still waiting for the registry (bounded by the check's own timeout).
      if (check !== undefined && check.verdict === undefined) continue;
      this.checks.delete(record.template.id);
      const verdict = check?.verdict;
      const image = `${record.template.docker_image}:${record.template.docker_image_tag}`;
      // A missing image fails with the registry's answer; a found one passes unless a failure
      // was asked for (control API), which keeps its simulated sshd story.
      let outcome = record.verifyOutcome ?? 'VERIFY_SUCCESS';
      let log =
        outcome === 'VERIFY_SUCCESS'
          ? `Pulled ${image}; ssh check passed`
          : `Verification of ${image} failed: container did not start sshd`;
      if (verdict?.kind === 'missing') {
        outcome = 'VERIFY_FAILED';
        log = verdict.log;
      } else if (verdict?.kind === 'found' && outcome === 'VERIFY_SUCCESS') {
        log = verdict.log;
      }
      record.template = {
        ...record.template,
        status: outcome,
        verification_logs: log,
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
    this.startRegistryCheck(template);
    return {
      template,
      verifyAt: Date.now() + this.verifyDelayMs,
      verifyOutcome: fail ? 'VERIFY_FAILED' : 'VERIFY_SUCCESS',
    };
  }

  /**
   * Asks the image's registry for the manifest (by digest when the template has one), as the
   * real verifier's pull would; images without a registry host (Docker Hub) are not checked.
   */
  private startRegistryCheck(template: Template): void {
    const check: RegistryCheck = {};
    this.checks.set(template.id, check);
    const credential =
      template.docker_credential_id === null
        ? undefined
        : this.store.dockerCredentials.get(template.docker_credential_id);
    checkImageInRegistry(
      template.docker_image,
      template.docker_image_digest || template.docker_image_tag,
      credential,
    )
      .then((verdict) => {
        check.verdict = verdict;
      })
      .catch((error: unknown) => {
        check.verdict = { kind: 'missing', log: `Registry check failed: ${String(error)}` };
      });
  }
}
