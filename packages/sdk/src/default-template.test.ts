import { TemplateSchema } from '@lium/api';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { chooseDefaultTemplate } from './default-template.ts';
import { toTemplateInfo } from './models.ts';

function template(id: string, image: string, tag: string, category = 'UBUNTU') {
  return toTemplateInfo(
    v.parse(TemplateSchema, { id, name: id, docker_image: image, docker_image_tag: tag, category }),
  );
}

const templates = [
  template('ubuntu', 'ubuntu', '22.04'),
  template('pt24', 'daturaai/pytorch', '2.4.0-py3.11-cuda12.4', 'PYTORCH'),
  template('pt26', 'daturaai/pytorch', '2.6.0-py3.11-cuda12.5.1-devel-ubuntu24.04', 'PYTORCH'),
  template('tf', 'tensorflow/tensorflow', 'latest', 'TENSOR_FLOW'),
];

describe('chooseDefaultTemplate', () => {
  it('takes the first recommended image that has a template, PyTorch images first', () => {
    const chosen = chooseDefaultTemplate(
      [
        { docker_image: 'tensorflow/tensorflow', docker_image_tag: 'latest' },
        { docker_image: 'daturaai/pytorch', docker_image_tag: '2.4.0-py3.11-cuda12.4' },
      ],
      templates,
    );
    expect(chosen.id).toBe('pt24');
  });

  it('falls back to the newest PyTorch template', () => {
    expect(chooseDefaultTemplate([], templates).id).toBe('pt26');
  });

  it('falls back to the first template, and fails with none', () => {
    expect(chooseDefaultTemplate([], [templates[0]!, templates[3]!]).id).toBe('ubuntu');
    expect(() => chooseDefaultTemplate([], [])).toThrow(
      expect.objectContaining({ code: 'no_template' }),
    );
  });
});
