import { LiumUsageError } from './errors.ts';
import type { TemplateInfo } from './models.ts';

/** A recommended Docker image, as the API lists them (wire field names). */
export interface DockerImageRef {
  /** Image name without the tag, e.g. `pytorch/pytorch`. */
  docker_image: string;
  /** Image tag; `latest` when absent. */
  docker_image_tag?: string | undefined;
}

/** `2.6.0-py3.11-cuda12.5.1` → [2, 6, 0]; tags that do not start with a version → []. */
function versionOf(tag: string): number[] {
  const head = tag.split('-')[0] ?? '';
  if (!/^\d+(\.\d+)*$/.test(head)) return [];
  return head.split('.').map(Number);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function isPytorch(template: TemplateInfo): boolean {
  return (
    (template.category ?? '').toUpperCase().includes('PYTORCH') ||
    template.dockerImage.toLowerCase().includes('pytorch')
  );
}

/**
 * The template a pod gets when the caller names none, chosen as the official SDK does
 * (reference §3.5, [L] `default_docker_template`): the node's recommended images (PyTorch
 * images first) are matched exactly against the templates; failing that, the PyTorch template
 * with the highest version in its tag; failing that, the first template.
 */
export function chooseDefaultTemplate(
  recommended: readonly DockerImageRef[],
  templates: readonly TemplateInfo[],
): TemplateInfo {
  const images = [
    ...recommended.filter((i) => i.docker_image.toLowerCase().includes('pytorch')),
    ...recommended.filter((i) => !i.docker_image.toLowerCase().includes('pytorch')),
  ];
  for (const image of images) {
    const match = templates.find(
      (t) =>
        t.dockerImage === image.docker_image &&
        t.dockerImageTag === (image.docker_image_tag ?? 'latest'),
    );
    if (match) return match;
  }
  let best: TemplateInfo | undefined;
  for (const template of templates.filter(isPytorch)) {
    if (
      !best ||
      compareVersions(versionOf(template.dockerImageTag), versionOf(best.dockerImageTag)) > 0
    ) {
      best = template;
    }
  }
  const chosen = best ?? templates[0];
  if (!chosen) {
    throw new LiumUsageError('There are no templates to start a pod from', {
      code: 'no_template',
      hint: 'Pass templateId, or create a template first (lium.createTemplate).',
    });
  }
  return chosen;
}
