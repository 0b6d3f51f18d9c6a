/** Wire payloads shaped like the real service's (lium-api.md §2), for the test server to send. */

export const EXECUTOR_ID = '11111111-1111-4111-8111-111111111111';
export const TEMPLATE_ID = '22222222-2222-4222-8222-222222222222';
export const POD_ID = '33333333-3333-4333-8333-333333333333';

export function executor(overrides: Record<string, unknown> = {}) {
  return {
    id: EXECUTOR_ID,
    machine_name: 'NVIDIA H100 80GB HBM3',
    executor_ip_address: '38.80.122.244',
    price_per_gpu: 2.5,
    gpu_count: 8,
    status: 'available',
    location: { country: 'United States', country_code: 'US', lat: 37.7, lon: -122.4 },
    specs: {
      gpu: {
        count: 8,
        driver: '550.54.15',
        details: [{ name: 'NVIDIA H100 80GB HBM3', capacity: 81920 }],
      },
      cpu: { count: 128, model: 'AMD EPYC' },
      ram: { total: 2097152, used: 0, free: 2097152 },
      available_port_count: 20,
    },
    brand_new_field: { nested: true },
    ...overrides,
  };
}

export function pod(overrides: Record<string, unknown> = {}) {
  return {
    id: POD_ID,
    pod_name: 'noble-matrix-a3',
    status: 'RUNNING',
    ssh_connect_cmd: 'ssh root@38.80.122.244 -p 20299',
    ports_mapping: { '22': 20299, '8000': 40123 },
    created_at: '2026-06-29T18:00:00Z',
    updated_at: '2026-06-29T18:01:00Z',
    price: 20,
    gpu_name: 'NVIDIA H100 80GB HBM3',
    gpu_count: '8',
    template: { id: TEMPLATE_ID, name: 'Pytorch (Cuda) 2.6', docker_image: 'daturaai/pytorch' },
    executor: {
      id: EXECUTOR_ID,
      machine_name: 'NVIDIA H100 80GB HBM3',
      executor_ip_address: '38.80.122.244',
      price_per_hour: 20,
      price_per_gpu: null,
    },
    ...overrides,
  };
}

export function template(overrides: Record<string, unknown> = {}) {
  return {
    id: TEMPLATE_ID,
    user_id: null,
    name: 'Pytorch (Cuda) 2.6',
    docker_image: 'daturaai/pytorch',
    docker_image_tag: '2.6.0-py3.11-cuda12.5.1-devel-ubuntu24.04',
    category: 'PYTORCH',
    volumes: ['/workspace'],
    environment: {},
    internal_ports: [22, 8000],
    is_private: false,
    status: 'VERIFY_SUCCESS',
    ...overrides,
  };
}
