import { json, type Reply, sequence } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import type { LiumAPIClient } from '../src/index.ts';
import { CLIENT_VERSION } from '../src/index.ts';
import { EXECUTOR_ID, executor, POD_ID, pod, TEMPLATE_ID, template } from './fixtures.ts';
import { API_KEY, useTestServer } from './setup.ts';

const t = useTestServer();

interface EndpointCase {
  name: string;
  route: string;
  reply: Reply;
  call: (client: LiumAPIClient) => Promise<unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  result?: unknown;
  pay?: boolean;
}

const user = { id: 'u1', balance: 12.5, stripe_customer_id: 'cus_1', email: 'a@b.c' };
const sshKey = { id: 'k1', name: 'laptop', public_key: 'ssh-ed25519 AAAA me@host', user_id: 'u1' };
const volume = {
  id: 'v1',
  name: 'data',
  description: 'd',
  current_size_bytes: 1024,
  current_size_gb: 0.1,
};
const backupConfig = {
  id: 'c1',
  pod_executor_id: EXECUTOR_ID,
  backup_frequency_hours: 6,
  retention_days: 7,
  backup_path: '/root',
  is_active: true,
};
const backupLog = { id: 'b1', backup_config_id: 'c1', status: 'COMPLETED', progress: 100 };
const restoreLog = {
  id: 'r1',
  backup_id: 'b1',
  pod_id: POD_ID,
  status: 'RUNNING',
  progress: '40',
  logs: ['x'],
};

const cases: EndpointCase[] = [
  {
    name: 'getMe',
    route: 'GET /api/users/me',
    reply: json(200, user),
    call: (c) => c.getMe(),
    method: 'GET',
    path: '/api/users/me',
    result: user,
  },
  {
    name: 'getExecutors with every filter',
    route: 'GET /api/executors',
    reply: json(200, [executor()]),
    call: (c) =>
      c.getExecutors({
        size: 1000,
        machineNames: ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 PCIe'],
        gpuCountGte: 8,
        gpuCountLte: 8,
        lat: 37.7,
        lon: -122.4,
        maxDistanceMile: 500,
        pricePerHourGte: 1,
        pricePerHourLte: 30.5,
        nvlink: true,
        minDownloadMbps: 1000,
      }),
    method: 'GET',
    path: '/api/executors',
    query: {
      size: '1000',
      machine_names: 'NVIDIA H100 80GB HBM3,NVIDIA H100 PCIe',
      gpu_count_gte: '8',
      gpu_count_lte: '8',
      lat: '37.7',
      lon: '-122.4',
      max_distance_mile: '500',
      price_per_hour_gte: '1',
      price_per_hour_lte: '30.5',
      nvlink: 'true',
      min_download_mbps: '1000',
    },
    result: [executor()],
  },
  {
    name: 'getMachines',
    route: 'GET /api/machines',
    reply: json(200, [{ name: 'NVIDIA B200' }]),
    call: (c) => c.getMachines(),
    method: 'GET',
    path: '/api/machines',
    result: [{ name: 'NVIDIA B200' }],
  },
  {
    name: 'getDefaultDockerImages',
    route: 'GET /api/executors/default-docker-image',
    reply: json(200, [{ docker_image: 'daturaai/pytorch', docker_image_tag: '2.6' }]),
    call: (c) =>
      c.getDefaultDockerImages({ gpuModel: 'NVIDIA H100 80GB HBM3', driverVersion: '550.54.15' }),
    method: 'GET',
    path: '/api/executors/default-docker-image',
    query: { gpu_model: 'NVIDIA H100 80GB HBM3', driver_version: '550.54.15' },
    result: [{ docker_image: 'daturaai/pytorch', docker_image_tag: '2.6' }],
  },
  {
    name: 'getDeploymentEstimate',
    route: 'GET /api/executors/deployment-estimate',
    reply: json(200, { estimated_seconds: 40, is_slow_machine: false, is_cached_template: true }),
    call: (c) => c.getDeploymentEstimate({ executorId: EXECUTOR_ID, templateId: TEMPLATE_ID }),
    method: 'GET',
    path: '/api/executors/deployment-estimate',
    query: { executor_id: EXECUTOR_ID, template_id: TEMPLATE_ID },
    result: { estimated_seconds: 40, is_slow_machine: false, is_cached_template: true },
  },
  {
    name: 'rentPod',
    route: 'POST /api/executors/:id/rent',
    reply: json(200, pod()),
    call: (c) =>
      c.rentPod(EXECUTOR_ID, {
        podName: 'noble-matrix-a3',
        templateId: TEMPLATE_ID,
        userPublicKeys: ['ssh-ed25519 AAAA me'],
      }),
    method: 'POST',
    path: `/api/executors/${EXECUTOR_ID}/rent`,
    body: {
      pod_name: 'noble-matrix-a3',
      template_id: TEMPLATE_ID,
      dockerfile_content: null,
      volume_id: null,
      user_public_key: ['ssh-ed25519 AAAA me'],
      initial_port_count: null,
    },
  },
  {
    name: 'unrentPod',
    route: 'DELETE /api/executors/:id/rent',
    reply: json(200, { success: true }),
    call: (c) => c.unrentPod(EXECUTOR_ID),
    method: 'DELETE',
    path: `/api/executors/${EXECUTOR_ID}/rent`,
    result: undefined,
  },
  {
    name: 'getPods',
    route: 'GET /api/pods',
    reply: json(200, []),
    call: (c) => c.getPods(),
    method: 'GET',
    path: '/api/pods',
    result: [],
  },
  {
    name: 'getPod',
    route: 'GET /api/pods/:id',
    reply: json(200, pod()),
    call: (c) => c.getPod(POD_ID),
    method: 'GET',
    path: `/api/pods/${POD_ID}`,
  },
  {
    name: 'deletePod',
    route: 'DELETE /api/pods/:id',
    reply: json(200, { ok: 1 }),
    call: (c) => c.deletePod(POD_ID),
    method: 'DELETE',
    path: `/api/pods/${POD_ID}`,
    result: undefined,
  },
  {
    name: 'rebootPod',
    route: 'POST /api/pods/:id/reboot',
    reply: json(200, { id: POD_ID, status: 'PENDING' }),
    call: (c) => c.rebootPod(POD_ID),
    method: 'POST',
    path: `/api/pods/${POD_ID}/reboot`,
    body: {},
  },
  {
    name: 'rebootPod with a volume',
    route: 'POST /api/pods/:id/reboot',
    reply: json(200, {}),
    call: (c) => c.rebootPod(POD_ID, { volumeId: 'v1' }),
    method: 'POST',
    path: `/api/pods/${POD_ID}/reboot`,
    body: { volume_id: 'v1' },
  },
  {
    name: 'switchTemplate',
    route: 'PUT /api/pods/:id/switch-template',
    reply: json(200, {
      pod_name: 'p',
      status: 'PENDING',
      ports_mapping: '{"22": 1}',
      executor_id: EXECUTOR_ID,
      template_id: 't2',
      gpu_count: '2',
    }),
    call: (c) => c.switchTemplate(POD_ID, { templateId: 't2' }),
    method: 'PUT',
    path: `/api/pods/${POD_ID}/switch-template`,
    body: { template_id: 't2' },
    result: {
      pod_name: 'p',
      status: 'PENDING',
      ports_mapping: { '22': 1 },
      executor_id: EXECUTOR_ID,
      template_id: 't2',
      gpu_count: 2,
    },
  },
  {
    name: 'scheduleRemoval with a Date',
    route: 'POST /api/pods/:id/schedule-removal',
    reply: json(200, { success: true }),
    call: (c) =>
      c.scheduleRemoval(POD_ID, { removalScheduledAt: new Date('2026-06-29T18:00:00.000Z') }),
    method: 'POST',
    path: `/api/pods/${POD_ID}/schedule-removal`,
    body: { removal_scheduled_at: '2026-06-29T18:00:00.000Z' },
  },
  {
    name: 'cancelScheduledRemoval',
    route: 'DELETE /api/pods/:id/schedule-removal',
    reply: json(200, {}),
    call: (c) => c.cancelScheduledRemoval(POD_ID),
    method: 'DELETE',
    path: `/api/pods/${POD_ID}/schedule-removal`,
  },
  {
    name: 'installJupyter',
    route: 'POST /api/pods/:id/install-jupyter',
    reply: json(200, {}),
    call: (c) => c.installJupyter(POD_ID, { jupyterInternalPort: 8888 }),
    method: 'POST',
    path: `/api/pods/${POD_ID}/install-jupyter`,
    body: { jupyter_internal_port: 8888 },
  },
  {
    name: 'backupPod',
    route: 'POST /api/pods/:id/backup',
    reply: json(200, { success: true, backup_log_id: 'b1' }),
    call: (c) => c.backupPod(POD_ID, { name: 'manual', description: 'Manual backup' }),
    method: 'POST',
    path: `/api/pods/${POD_ID}/backup`,
    body: { name: 'manual', description: 'Manual backup' },
    result: { success: true, backup_log_id: 'b1' },
  },
  {
    name: 'restorePod',
    route: 'POST /api/pods/:id/restore',
    reply: json(200, { restore_log_id: 'r1' }),
    call: (c) => c.restorePod(POD_ID, { backupId: 'b1', restorePath: '/root/restored' }),
    method: 'POST',
    path: `/api/pods/${POD_ID}/restore`,
    body: { backup_id: 'b1', restore_path: '/root/restored' },
    result: { restore_log_id: 'r1' },
  },
  {
    name: 'getRestoreLogs (wrapped in items)',
    route: 'GET /api/pods/:id/restore-logs',
    reply: json(200, { items: [restoreLog] }),
    call: (c) => c.getRestoreLogs(POD_ID),
    method: 'GET',
    path: `/api/pods/${POD_ID}/restore-logs`,
    result: [{ ...restoreLog, progress: 40 }],
  },
  {
    name: 'cancelRestore',
    route: 'POST /api/restore-logs/:id/cancel',
    reply: json(200, {}),
    call: (c) => c.cancelRestore('r1'),
    method: 'POST',
    path: '/api/restore-logs/r1/cancel',
  },
  {
    name: 'getTemplates',
    route: 'GET /api/templates',
    reply: json(200, [template()]),
    call: (c) => c.getTemplates(),
    method: 'GET',
    path: '/api/templates',
    result: [{ ...template(), user_id: undefined }],
  },
  {
    name: 'getTemplate',
    route: 'GET /api/templates/:id',
    reply: json(200, template()),
    call: (c) => c.getTemplate(TEMPLATE_ID),
    method: 'GET',
    path: `/api/templates/${TEMPLATE_ID}`,
  },
  {
    name: 'createTemplate',
    route: 'POST /api/templates',
    reply: json(200, template({ id: 't9', status: 'CREATED' })),
    call: (c) =>
      c.createTemplate({
        name: 'mine',
        dockerImage: 'ubuntu',
        dockerImageTag: '24.04',
        oneTimeTemplate: true,
        extra: { future_field: 1 },
      }),
    method: 'POST',
    path: '/api/templates',
    body: {
      name: 'mine',
      docker_image: 'ubuntu',
      docker_image_tag: '24.04',
      one_time_template: true,
      future_field: 1,
    },
  },
  {
    name: 'updateTemplate',
    route: 'PUT /api/templates/:id',
    reply: json(200, template({ status: 'UPDATED' })),
    call: (c) => c.updateTemplate(TEMPLATE_ID, { name: 'renamed', dockerImage: 'ubuntu' }),
    method: 'PUT',
    path: `/api/templates/${TEMPLATE_ID}`,
    body: { name: 'renamed', docker_image: 'ubuntu' },
  },
  {
    name: 'deleteTemplate',
    route: 'DELETE /api/templates/:id',
    reply: json(200, {}),
    call: (c) => c.deleteTemplate(TEMPLATE_ID),
    method: 'DELETE',
    path: `/api/templates/${TEMPLATE_ID}`,
  },
  {
    name: 'getDockerCredentials',
    route: 'GET /api/docker-credentials',
    reply: json(200, [{ id: 'c1', username: 'me', password: 's3cret', user_id: null }]),
    call: (c) => c.getDockerCredentials(),
    method: 'GET',
    path: '/api/docker-credentials',
    result: [{ id: 'c1', username: 'me', password: 's3cret', user_id: undefined }],
  },
  {
    name: 'getSshKeys',
    route: 'GET /api/ssh-keys',
    reply: json(200, [sshKey]),
    call: (c) => c.getSshKeys(),
    method: 'GET',
    path: '/api/ssh-keys',
    result: [sshKey],
  },
  {
    name: 'createSshKey',
    route: 'POST /api/ssh-keys',
    reply: json(200, sshKey),
    call: (c) => c.createSshKey({ name: 'laptop', publicKey: 'ssh-ed25519 AAAA me@host' }),
    method: 'POST',
    path: '/api/ssh-keys',
    body: { name: 'laptop', public_key: 'ssh-ed25519 AAAA me@host' },
    result: sshKey,
  },
  {
    name: 'updateSshKey',
    route: 'PUT /api/ssh-keys/:id',
    reply: json(200, sshKey),
    call: (c) => c.updateSshKey('k1', { name: 'desk' }),
    method: 'PUT',
    path: '/api/ssh-keys/k1',
    body: { name: 'desk' },
  },
  {
    name: 'deleteSshKey',
    route: 'DELETE /api/ssh-keys/:id',
    reply: json(200, {}),
    call: (c) => c.deleteSshKey('k1'),
    method: 'DELETE',
    path: '/api/ssh-keys/k1',
  },
  {
    name: 'getVolumes',
    route: 'GET /api/volumes',
    reply: json(200, [volume]),
    call: (c) => c.getVolumes(),
    method: 'GET',
    path: '/api/volumes',
    result: [volume],
  },
  {
    name: 'getVolume',
    route: 'GET /api/volumes/:id',
    reply: json(200, volume),
    call: (c) => c.getVolume('v1'),
    method: 'GET',
    path: '/api/volumes/v1',
    result: volume,
  },
  {
    name: 'createVolume',
    route: 'POST /api/volumes',
    reply: json(200, volume),
    call: (c) => c.createVolume({ name: 'data', description: 'd' }),
    method: 'POST',
    path: '/api/volumes',
    body: { name: 'data', description: 'd' },
  },
  {
    name: 'updateVolume',
    route: 'PUT /api/volumes/:id',
    reply: json(200, volume),
    call: (c) => c.updateVolume('v1', { description: 'new' }),
    method: 'PUT',
    path: '/api/volumes/v1',
    body: { description: 'new' },
  },
  {
    name: 'deleteVolume',
    route: 'DELETE /api/volumes/:id',
    reply: json(200, {}),
    call: (c) => c.deleteVolume('v1'),
    method: 'DELETE',
    path: '/api/volumes/v1',
  },
  {
    name: 'createBackupConfig',
    route: 'POST /api/backup-configs',
    reply: json(200, backupConfig),
    call: (c) =>
      c.createBackupConfig({
        podId: POD_ID,
        backupFrequencyHours: 6,
        retentionDays: 7,
        backupPath: '/root',
      }),
    method: 'POST',
    path: '/api/backup-configs',
    body: { pod_id: POD_ID, backup_frequency_hours: 6, retention_days: 7, backup_path: '/root' },
    result: backupConfig,
  },
  {
    name: 'getBackupConfigs',
    route: 'GET /api/backup-configs',
    reply: json(200, [backupConfig]),
    call: (c) => c.getBackupConfigs(),
    method: 'GET',
    path: '/api/backup-configs',
    result: [backupConfig],
  },
  {
    name: 'getBackupConfigForPod',
    route: 'GET /api/backup-configs/pod/:id',
    reply: json(200, backupConfig),
    call: (c) => c.getBackupConfigForPod(POD_ID),
    method: 'GET',
    path: `/api/backup-configs/pod/${POD_ID}`,
    result: backupConfig,
  },
  {
    name: 'getBackupConfigForPod (none: 404)',
    route: 'GET /api/backup-configs/pod/:id',
    reply: json(404, { detail: 'Not found' }),
    call: (c) => c.getBackupConfigForPod(POD_ID),
    method: 'GET',
    path: `/api/backup-configs/pod/${POD_ID}`,
    result: null,
  },
  {
    name: 'deleteBackupConfig',
    route: 'DELETE /api/backup-configs/:id',
    reply: json(200, { success: true }),
    call: (c) => c.deleteBackupConfig('c1'),
    method: 'DELETE',
    path: '/api/backup-configs/c1',
  },
  {
    name: 'getBackupLogsForPod (paginated)',
    route: 'GET /api/backup-logs/pod/:id',
    reply: json(200, { items: [backupLog], total: 1 }),
    call: (c) => c.getBackupLogsForPod(POD_ID),
    method: 'GET',
    path: `/api/backup-logs/pod/${POD_ID}`,
    result: [backupLog],
  },
  {
    name: 'getBackupLogsForPod (none: 404)',
    route: 'GET /api/backup-logs/pod/:id',
    reply: json(404, { detail: 'none' }),
    call: (c) => c.getBackupLogsForPod(POD_ID),
    method: 'GET',
    path: `/api/backup-logs/pod/${POD_ID}`,
    result: [],
  },
  {
    name: 'listBackupLogs keeps the trailing slash',
    route: 'GET /api/backup-logs/',
    reply: json(200, { items: [backupLog], has_next: false }),
    call: (c) => c.listBackupLogs({ page: 2 }),
    method: 'GET',
    path: '/api/backup-logs/',
    query: { page: '2', limit: '100' },
    result: { items: [backupLog], has_next: false },
  },
  {
    name: 'getBackupLog',
    route: 'GET /api/backup-logs/:id',
    reply: json(200, backupLog),
    call: (c) => c.getBackupLog('b1'),
    method: 'GET',
    path: '/api/backup-logs/b1',
    result: backupLog,
  },
  {
    name: 'deleteBackupLog',
    route: 'DELETE /api/backup-logs/:id',
    reply: json(200, {}),
    call: (c) => c.deleteBackupLog('b1'),
    method: 'DELETE',
    path: '/api/backup-logs/b1',
  },
  {
    name: 'cancelBackup',
    route: 'POST /api/backup-logs/:id/cancel',
    reply: json(200, {}),
    call: (c) => c.cancelBackup('b1'),
    method: 'POST',
    path: '/api/backup-logs/b1/cancel',
  },
  {
    name: 'getTopupCurrencies',
    route: 'GET /api/tmc-pay/currencies',
    reply: json(200, {
      currencies: [{ code: 'USDT', network: 'tron', decimals: 6, display_decimals: 2 }],
    }),
    call: (c) => c.getTopupCurrencies({ refresh: true }),
    method: 'GET',
    path: '/api/tmc-pay/currencies',
    query: { refresh: 'true' },
  },
  {
    name: 'createTopupInvoice',
    route: 'POST /api/tmc-pay/create-invoice',
    reply: json(200, {
      invoice_id: 'i1',
      deposit_address: 'T…',
      crypto_amount: '25.00',
      fiat_amount: 25,
      fiat_currency: 'USD',
    }),
    call: (c) =>
      c.createTopupInvoice({ amount: 25, cryptoCurrency: 'USDT', cryptoNetwork: 'tron' }),
    method: 'POST',
    path: '/api/tmc-pay/create-invoice',
    body: { amount: 25, crypto_currency: 'USDT', crypto_network: 'tron' },
    result: {
      invoice_id: 'i1',
      deposit_address: 'T…',
      crypto_amount: 25,
      fiat_amount: 25,
      fiat_currency: 'USD',
    },
  },
  {
    name: 'createTaoTransfer',
    route: 'POST /api/tao/create-transfer',
    reply: json(200, { url: 'https://pay.example/?app_id=a1&customer_id=cus_1' }),
    call: (c) => c.createTaoTransfer({ amount: 10 }),
    method: 'POST',
    path: '/api/tao/create-transfer',
    body: { amount: 10 },
  },
  {
    name: 'getAvailableWallets',
    pay: true,
    route: 'GET /pay/wallet/available-wallets/:id',
    reply: json(200, [{ wallet_hash: '5F…' }]),
    call: (c) => c.getAvailableWallets('cus_1'),
    method: 'GET',
    path: '/pay/wallet/available-wallets/cus_1',
    result: [{ wallet_hash: '5F…' }],
  },
  {
    name: 'generateWalletToken',
    pay: true,
    route: 'GET /pay/token/generate',
    reply: json(200, { access_key: 'ak' }),
    call: (c) => c.generateWalletToken(),
    method: 'GET',
    path: '/pay/token/generate',
    result: { access_key: 'ak' },
  },
  {
    name: 'verifyWalletToken',
    pay: true,
    route: 'POST /pay/token/verify',
    reply: json(200, { status: 'ok' }),
    call: (c) =>
      c.verifyWalletToken({
        coldkeyAddress: '5C…',
        accessKey: 'ak',
        signature: 'beef',
        stripeCustomerId: 'cus_1',
        applicationId: 'a1',
      }),
    method: 'POST',
    path: '/pay/token/verify',
    body: {
      coldkey_address: '5C…',
      access_key: 'ak',
      signature: 'beef',
      stripe_customer_id: 'cus_1',
      application_id: 'a1',
    },
    result: { status: 'ok' },
  },
  {
    name: 'convertAlpha',
    pay: true,
    route: 'GET /pay/balance/convert/alpha',
    reply: json(200, { original: 10, converted: 3.2, rate: 3.1, netuid: 51 }),
    call: (c) => c.convertAlpha({ amount: 10 }),
    method: 'GET',
    path: '/pay/balance/convert/alpha',
    query: { amount: '10' },
  },
  {
    name: 'getCompanyWallet',
    pay: true,
    route: 'GET /pay/wallet/company/',
    reply: json(200, { wallet_hash: '5Fq…', application_id: 'a1' }),
    call: (c) => c.getCompanyWallet({ appId: 'a1' }),
    method: 'GET',
    path: '/pay/wallet/company/',
    query: { app_id: 'a1' },
  },
];

describe('every endpoint', () => {
  it.each(cases)('$name: $method $path', async (endpoint) => {
    t.server.route(endpoint.route, endpoint.reply);
    const client = t.client({ payApiKey: 'pay-key-xyz', payBaseUrl: `${t.server.url}/pay` });
    const result = await endpoint.call(client);
    expect(t.server.requests).toHaveLength(1);
    const [request] = t.server.requests;
    expect(request?.method).toBe(endpoint.method);
    expect(request?.path).toBe(endpoint.path);
    expect(request?.query).toEqual(endpoint.query ?? {});
    if (endpoint.body === undefined) expect(request?.body).toBe('');
    else {
      expect(request?.json).toEqual(endpoint.body);
      expect(request?.headers['content-type']).toBe('application/json');
    }
    if ('result' in endpoint) expect(result).toEqual(endpoint.result);
    if (endpoint.pay) {
      expect(request?.headers['x-api-key']).toBe('pay-key-xyz');
      expect(request?.headers['x-source']).toBeUndefined();
    } else {
      expect(request?.headers['x-api-key']).toBe(API_KEY);
      expect(request?.headers['x-source']).toBe('sdk');
      expect(request?.headers['x-lium-client-version']).toBe(CLIENT_VERSION);
    }
  });

  it('getFeatures reads /version, and means "none" on any failure but an abort', async () => {
    t.server.route('GET /api/version', json(200, { features: ['rent_by_spec'], version: '1' }));
    expect(await t.client().getFeatures()).toEqual(['rent_by_spec']);
    t.server.route('GET /api/version', json(404, { detail: 'Not Found' }));
    expect(await t.client().getFeatures()).toEqual([]);
    await expect(t.client().getFeatures({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'aborted',
    });
  });

  it('the CLI login calls send no API key', async () => {
    t.server.route(
      'POST /api/cli-auth/init',
      json(200, { browser_url: 'https://lium.io/cli-auth/s1', session_id: 's1' }),
    );
    t.server.route(
      'GET /api/cli-auth/poll/:id',
      sequence(
        json(200, { status: 'pending' }),
        json(200, { status: 'approved', api_key: 'new-key' }),
      ),
    );
    const client = t.client();
    expect(await client.initCliAuth()).toEqual({
      browser_url: 'https://lium.io/cli-auth/s1',
      session_id: 's1',
    });
    expect(await client.pollCliAuth('s1')).toEqual({ status: 'pending' });
    expect(await client.pollCliAuth('s1')).toEqual({ status: 'approved', apiKey: 'new-key' });
    expect(t.server.requests.map((r) => [r.method, r.path, r.headers['x-api-key']])).toEqual([
      ['POST', '/api/cli-auth/init', undefined],
      ['GET', '/api/cli-auth/poll/s1', undefined],
      ['GET', '/api/cli-auth/poll/s1', undefined],
    ]);
  });

  it('getPodEvents', async () => {
    t.server.route('GET /api/pods/:id/events', json(200, [{ reason: 'created', detail: null }]));
    expect(await t.client().getPodEvents(POD_ID)).toEqual([
      { reason: 'created', detail: undefined },
    ]);
    expect(t.server.requests[0]?.path).toBe(`/api/pods/${POD_ID}/events`);
  });

  it('sends X-Source and X-Lium-Client-Version as configured', async () => {
    t.server.route('GET /api/pods', json(200, []));
    await t.client({ source: 'cli', clientVersion: '9.9.9' }).getPods();
    expect(t.server.requests[0]?.headers).toMatchObject({
      'x-source': 'cli',
      'x-lium-client-version': '9.9.9',
      accept: 'application/json',
    });
  });

  it('percent-encodes path parameters so an id cannot reach another endpoint', async () => {
    t.server.route('GET /api/pods/:id', json(200, pod()));
    await t.client().getPod('../ssh-keys?x=1');
    expect(t.server.requests[0]?.path).toBe('/api/pods/..%2Fssh-keys%3Fx%3D1');
    await expect(t.client().getPod('..')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses pay API calls without a pay key, and sends nothing', async () => {
    await expect(t.client().generateWalletToken()).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(t.server.requests).toHaveLength(0);
  });

  it('accepts a base URL with a trailing slash', async () => {
    t.server.route('GET /api/pods', json(200, []));
    await t.client({ baseUrl: `${t.server.url}/api/` }).getPods();
    expect(t.server.requests[0]?.path).toBe('/api/pods');
  });
});
