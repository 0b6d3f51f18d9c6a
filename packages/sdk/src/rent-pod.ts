/**
 * Renting one pod: resolve the executor, refuse or reuse a name in use, choose the template,
 * register the local keys, rent (idempotently, in `@lium/api`).
 */
import { isLiumError } from '@lium/errors';
import { throwIfAborted } from './abort.ts';
import { createOverriddenTemplate, hasContainerOverrides } from './container-overrides.ts';
import type { LiumCore } from './core.ts';
import { chooseDefaultTemplate } from './default-template.ts';
import { LiumUsageError } from './errors.ts';
import { getExecutor } from './executors.ts';
import { generateHumanId, looksLikeHumanId } from './huid.ts';
import { type ExecutorInfo, type PodInfo, type TemplateInfo, toPodInfo } from './models.ts';
import type { CallOptions, StartPodOptions } from './options.ts';
import { getPod, listPods } from './pods.ts';
import { getTemplates } from './templates.ts';
import { TERMINAL_POD_STATUSES } from './wait-ready.ts';

export async function startPod(core: LiumCore, options: StartPodOptions): Promise<PodInfo> {
  const { api } = await core.context();
  let executor = typeof options.executorId === 'string' ? undefined : options.executorId;
  let executorId =
    typeof options.executorId === 'string' ? options.executorId.trim() : options.executorId.id;
  if (!executor && looksLikeHumanId(executorId)) {
    executor = await getExecutor(core, executorId, options);
    executorId = executor.id;
  }
  const podName = options.podName ?? executor?.huid ?? generateHumanId(executorId);

  if (options.ifExists === 'reuse' || options.ifExists === 'error') {
    const existing = (await listPods(core, options)).filter(
      (p) => p.name === podName && !TERMINAL_POD_STATUSES.has(p.status),
    );
    const [first] = existing;
    if (first && options.ifExists === 'reuse') return first;
    if (first) {
      throw new LiumUsageError(`A pod named "${podName}" already exists (${first.huid})`, {
        code: 'pod_exists',
        hint: 'Pick another name, or pass ifExists: "reuse" to use it.',
      });
    }
  }

  const templateId =
    options.dockerfileContent === undefined
      ? await templateFor(core, options, async () => {
          executor ??= await getExecutor(core, executorId, options);
          return executor;
        })
      : undefined;

  const publicKeys = options.publicKeys ?? (await core.sshKey()).publicKeys;
  if (!options.publicKeys) {
    try {
      await core.registerKeysOnce(publicKeys);
    } catch (error) {
      throwIfAborted(options.signal);
      // The official client only warns: the rent body carries the keys anyway.
      core.warn(`Could not register your SSH key with the account: ${(error as Error).message}`);
    }
    throwIfAborted(options.signal);
  }

  const rented = await api.rentPod(
    executorId,
    {
      podName,
      templateId,
      dockerfileContent: options.dockerfileContent,
      userPublicKeys: publicKeys,
      volumeId: options.volumeId,
      initialPortCount: options.initialPortCount,
    },
    { signal: options.signal },
  );
  return rented.pod ? toPodInfo(rented.pod) : getPod(core, rented.podId, options);
}

/**
 * The template to rent with: the one asked for, the configured default or the default choice;
 * with container overrides, a one-time copy of it that carries them.
 */
async function templateFor(
  core: LiumCore,
  options: StartPodOptions,
  executorOf: () => Promise<ExecutorInfo>,
): Promise<string> {
  const templateId = options.templateId ?? (await templateIdForRent(core, executorOf, options));
  if (!hasContainerOverrides(options.container)) return templateId;
  const api = await core.api();
  return (await createOverriddenTemplate(api, templateId, options.container ?? {}, options)).id;
}

/**
 * The template a pod on this executor gets when the caller names none: the configured default
 * (`template.default_id`), else the official default choice for its GPU and driver. What
 * `startPod` would pick, so a caller can show its deployment estimate before renting and then
 * pass the same id.
 */
export async function templateIdForRent(
  core: LiumCore,
  executor: ExecutorInfo | (() => Promise<ExecutorInfo>),
  options: CallOptions = {},
): Promise<string> {
  const { settings } = await core.context();
  if (settings.defaultTemplateId) return settings.defaultTemplateId;
  const known = typeof executor === 'function' ? await executor() : executor;
  return (await defaultTemplate(core, known, options)).id;
}

async function defaultTemplate(
  core: LiumCore,
  executor: ExecutorInfo,
  options: CallOptions,
): Promise<TemplateInfo> {
  const api = await core.api();
  const [images, templates] = await Promise.all([
    api
      .getDefaultDockerImages(
        { gpuModel: executor.specs.gpuModel, driverVersion: executor.specs.driverVersion },
        { signal: options.signal },
      )
      .catch((error: unknown) => {
        throwIfAborted(options.signal);
        if (isLiumError(error) && error.code === 'unauthenticated') throw error;
        return [];
      }),
    getTemplates(core, options),
  ]);
  return chooseDefaultTemplate(images, templates);
}
