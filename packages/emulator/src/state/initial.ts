import { createRandom } from '../market/random.ts';
import type { PersistedState, Template, TemplateRecord } from './types.ts';

/** The id the official CLI falls back to as "the default PyTorch template" (reference §3.5). */
export const DEFAULT_PYTORCH_TEMPLATE_ID = '1948937e-5049-47ad-8e26-bcf1a4549d70';

const EPOCH = '2025-06-01T00:00:00Z';

/** A fresh account: the seeded user, the official templates, no pods. */
export function initialState(seed: number, executorCount: number, balance: number): PersistedState {
  const random = createRandom(seed ^ 0x5eed);
  return {
    version: 1,
    seed,
    executorCount,
    user: {
      id: random.uuid(),
      email: 'ci@emulator.lium.local',
      name: 'Emulator User',
      stripe_customer_id: `cus_${random.hex(14)}`,
      email_verified: true,
      created_at: EPOCH,
    },
    balance,
    rentedExecutorIds: [],
    pods: [],
    templates: officialTemplates().map(
      (template): TemplateRecord => ({ template, verifyAt: null, verifyOutcome: null }),
    ),
    sshKeys: [],
    volumes: [],
    backupConfigs: [],
    backupLogs: [],
    restoreLogs: [],
    dockerCredentials: [],
    idempotency: {},
  };
}

function officialTemplates(): Template[] {
  return [
    official(
      DEFAULT_PYTORCH_TEMPLATE_ID,
      'Pytorch (Cuda) 2.6.0',
      'PYTORCH',
      'daturaai/pytorch',
      '2.6.0-py3.11-cuda12.5.1-devel-ubuntu24.04',
      [22, 8888],
    ),
    official(
      '0f5ad1d6-4a40-4d7b-9b69-2a4bcbb3c1a1',
      'Pytorch (Cuda) 2.4.0',
      'PYTORCH',
      'daturaai/pytorch',
      '2.4.0-py3.11-cuda12.2.0-devel-ubuntu22.04',
      [22, 8888],
    ),
    official(
      '5b0e3cf6-8f51-4c38-8cf3-3d6e1d3c9e77',
      'Pytorch (Cuda) 2.7.1',
      'PYTORCH',
      'daturaai/pytorch',
      '2.7.1-py3.12-cuda12.8.1-devel-ubuntu24.04',
      [22, 8888],
    ),
    official(
      'a1c3d5e7-2b4d-4f60-8a9c-0e1f2a3b4c5d',
      'Ubuntu 22.04',
      'UBUNTU',
      'daturaai/ubuntu',
      '22.04',
      [22, 8000],
    ),
    official(
      'b2d4f6a8-3c5e-4a71-9bad-1f2a3b4c5d6e',
      'Ubuntu 24.04',
      'UBUNTU',
      'daturaai/ubuntu',
      '24.04',
      [22, 8000],
    ),
    official(
      'c3e5a7b9-4d6f-4b82-8cbe-2a3b4c5d6e7f',
      'NVIDIA CUDA 12.4.1',
      'NVIDIA',
      'nvidia/cuda',
      '12.4.1-devel-ubuntu22.04',
      [22],
    ),
    official(
      'd4f6b8c0-5e7a-4c93-9dcf-3b4c5d6e7f80',
      'TensorFlow 2.16',
      'TENSOR_FLOW',
      'tensorflow/tensorflow',
      '2.16.1-gpu',
      [22, 8888],
    ),
  ];
}

function official(
  id: string,
  name: string,
  category: string,
  image: string,
  tag: string,
  ports: number[],
): Template {
  return {
    id,
    user_id: null,
    name,
    description: `${name} — official Lium template`,
    docker_image: image,
    docker_image_tag: tag,
    docker_image_digest: '',
    docker_image_size: 8_589_934_592,
    category,
    volumes: ['/workspace'],
    environment: {},
    entrypoint: '',
    internal_ports: ports,
    is_private: false,
    readme: name,
    startup_commands: '',
    status: 'VERIFY_SUCCESS',
    docker_credential_id: null,
    verification_logs: '',
    container_start_immediately: true,
    one_time_template: false,
    is_temporary: false,
    created_at: EPOCH,
    updated_at: EPOCH,
  };
}
