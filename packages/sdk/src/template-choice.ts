/**
 * What a template argument names (the CLI's `up --image`): a template id, HUID, name or index
 * from the last templates list, or a Docker image reference (`pytorch/pytorch:2.4.0-…`), which
 * uses a template of that exact image or, as the official client's `--image` does, a new
 * private one-time template made for it.
 */
import { createHash } from 'node:crypto';
import type { LiumCore } from './core.ts';
import type { TemplateInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { chooseScopedSnapshot, snapshotScope, writeScopedSnapshot } from './scoped-snapshots.ts';
import { resolveTargets } from './targets.ts';
import { createTemplate, getTemplates } from './templates.ts';
import { parseImageRef } from './templates-create.ts';

/** What an up `--image`/template argument names: a template, or a Docker image. */
export type TemplateChoice =
  /** A template named by id, HUID, name or index. */
  | {
      /** A template was named. */
      kind: 'template';
      /** The template named. */
      template: TemplateInfo;
    }
  /** An image: `template` is an existing one of exactly that image, or undefined (make one). */
  | {
      /** A Docker image was named. */
      kind: 'image';
      /** Image name without the tag. */
      image: string;
      /** Image tag (`latest` when none was given). */
      tag: string;
      /** An existing template of exactly that image and tag; undefined when one must be made. */
      template: TemplateInfo | undefined;
    };

/** `repo/name:tag`, `registry:5000/x`, `x@sha256:…`: a colon or slash marks an image. */
const IMAGE_REF = /^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/;

function shellPid(core: LiumCore): number {
  return core.options.shellPid ?? process.ppid;
}

async function scopeOf(core: LiumCore): Promise<string> {
  const settings = await core.settings();
  return snapshotScope(settings.baseUrl, settings.apiKey ?? '');
}

/** Remembers the templates as listed, so index `2` means row 2 of that list. */
export async function rememberTemplates(
  core: LiumCore,
  templates: readonly TemplateInfo[],
): Promise<void> {
  const { configDir } = await core.settings();
  await writeScopedSnapshot(
    configDir,
    'templates',
    templates.map((t) => t.id),
    { shellPid: shellPid(core), scope: await scopeOf(core) },
  );
}

async function templateSnapshot(core: LiumCore): Promise<string[] | undefined> {
  const { configDir } = await core.settings();
  const choice = await chooseScopedSnapshot(configDir, 'templates', {
    shellPid: shellPid(core),
    scope: await scopeOf(core),
  });
  return choice.kind === 'own' || choice.kind === 'other' ? choice.snapshot.ids : undefined;
}

/**
 * Reads `spec` without creating anything. Throws the target errors of `resolveTargets`
 * (`target_not_found`, `no_snapshot`, `target_ambiguous`) when it names no template and is no
 * image reference.
 */
export async function chooseTemplate(
  core: LiumCore,
  spec: string,
  options: CallOptions = {},
): Promise<TemplateChoice> {
  const templates = await getTemplates(core, options);
  const text = spec.trim();
  if (/[:/]/.test(text) && IMAGE_REF.test(text.toLowerCase())) {
    const { image, tag } = parseImageRef(text);
    const same = templates.filter((t) => t.dockerImage === image && t.dockerImageTag === tag);
    // A verified one first; the platform's own (no owner) before private copies.
    const ranked = [...same].sort(
      (a, b) =>
        Number(b.status === 'VERIFY_SUCCESS') - Number(a.status === 'VERIFY_SUCCESS') ||
        Number(a.userId !== undefined) - Number(b.userId !== undefined),
    );
    return { kind: 'image', image, tag, template: ranked[0] };
  }
  const [template] = resolveTargets(text, {
    noun: 'template',
    live: templates,
    snapshot: await templateSnapshot(core),
    snapshotProblem: 'no template list was shown in this shell yet',
    listCommand: core.options.listCommands?.templates ?? 'lium.rememberTemplates()',
    allowAll: false,
  });
  return { kind: 'template', template: template as TemplateInfo };
}

/**
 * A private one-time template of `image:tag` (the official client's `ephemeral-<hash>`
 * naming), verified before it is returned.
 */
export function templateForImage(
  core: LiumCore,
  image: string,
  tag: string,
  options: CallOptions & { timeoutMs?: number | undefined } = {},
): Promise<TemplateInfo> {
  const digest = createHash('md5').update(`${image}:${tag}`).digest('hex').slice(0, 8);
  return createTemplate(core, {
    name: `ephemeral-${digest}`,
    image,
    tag,
    isPrivate: true,
    oneTime: true,
    internalPorts: [22, 8000],
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
}
