/** Templates: list, look up, create (and wait for verification), delete. */
import type { LiumCore } from './core.ts';
import { LiumSdkError } from './errors.ts';
import { type TemplateInfo, toTemplateInfo } from './models.ts';
import type { CallOptions, CreateTemplateOptions } from './options.ts';

/** Options of {@link Lium.getTemplates}. */
export interface GetTemplatesOptions extends CallOptions {
  /** Only templates whose name or image contains this, case-insensitive. */
  search?: string | undefined;
  /** Only templates of your account; default all you can use. */
  onlyMine?: boolean | undefined;
}

export async function getTemplates(
  core: LiumCore,
  options: GetTemplatesOptions = {},
): Promise<TemplateInfo[]> {
  const api = await core.api();
  let templates = (await api.getTemplates({ signal: options.signal })).map(toTemplateInfo);
  if (options.search) {
    const needle = options.search.toLowerCase();
    templates = templates.filter(
      (t) => t.name.toLowerCase().includes(needle) || t.dockerImage.toLowerCase().includes(needle),
    );
  }
  if (options.onlyMine) {
    const me = await api.getMe({ signal: options.signal });
    templates = templates.filter((t) => t.userId === me.id);
  }
  return templates;
}

export async function getTemplate(
  core: LiumCore,
  id: string,
  options?: CallOptions,
): Promise<TemplateInfo> {
  return toTemplateInfo(await (await core.api()).getTemplate(id, { signal: options?.signal }));
}

export async function createTemplate(
  core: LiumCore,
  options: CreateTemplateOptions,
): Promise<TemplateInfo> {
  const api = await core.api();
  const colon = options.image.lastIndexOf(':');
  const hasTag = colon > options.image.lastIndexOf('/');
  const image = hasTag ? options.image.slice(0, colon) : options.image;
  const tag = options.tag ?? (hasTag ? options.image.slice(colon + 1) : 'latest');
  const created = toTemplateInfo(
    await api.createTemplate(
      {
        name: options.name,
        dockerImage: image,
        dockerImageTag: tag,
        dockerImageDigest: '',
        internalPorts: options.internalPorts ?? [22, 8000],
        startupCommands: options.startupCommands ?? '',
        category: options.category ?? 'UBUNTU',
        containerStartImmediately: true,
        description: options.description ?? options.name,
        entrypoint: options.entrypoint ?? '',
        environment: options.environment ?? {},
        isPrivate: options.isPrivate ?? true,
        oneTimeTemplate: options.oneTime ?? false,
        isTemporary: false,
        readme: options.name,
        volumes: options.volumes ?? ['/workspace'],
      },
      { signal: options.signal },
    ),
  );
  if (options.wait === false) return created;
  return waitForTemplateVerified(core, created.id, options);
}

export async function waitForTemplateVerified(
  core: LiumCore,
  id: string,
  options: CallOptions & { timeoutMs?: number | undefined } = {},
): Promise<TemplateInfo> {
  const verified = await core.poll(options.timeoutMs ?? 300_000, options.signal, async () => {
    const template = await getTemplate(core, id, options);
    if (template.status === 'VERIFY_SUCCESS') return template;
    if (template.status === 'VERIFY_FAILED') {
      const logs = (template.raw as { verification_logs?: unknown }).verification_logs;
      throw new LiumSdkError(
        `Template ${template.name} failed verification${typeof logs === 'string' && logs ? `: ${logs}` : ''}`,
        {
          code: 'template_verify_failed',
          hint: 'Check that the image exists, is public (or credentials are set) and starts.',
        },
      );
    }
    return undefined;
  });
  if (verified) return verified;
  throw new LiumSdkError(`Template ${id} was not verified in time`, {
    code: 'template_not_verified',
    hint: 'Verification can take minutes for large images; wait longer (timeoutMs).',
  });
}

export async function deleteTemplate(
  core: LiumCore,
  id: string,
  options?: CallOptions,
): Promise<void> {
  await (await core.api()).deleteTemplate(id, { signal: options?.signal });
}
