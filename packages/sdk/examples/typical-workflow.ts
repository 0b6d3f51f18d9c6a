import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lium } from '@lium/sdk';

const lium = new Lium();
try {
  // 1. The cheapest H100 on offer
  const executors = await lium.listExecutors({ gpuType: 'H100' });
  const cheapest = executors.toSorted((a, b) => a.pricePerGpuHour - b.pricePerGpuHour)[0];
  if (!cheapest) throw new Error('No H100 is available right now');
  console.log(
    `${cheapest.huid}: ${cheapest.gpuCount}× ${cheapest.gpuType}, $${cheapest.pricePerHour}/h`,
  );

  // 2. Start a pod and wait until SSH works
  const pod = await lium.startPod({ executorId: cheapest.id, podName: 'my-training' });
  const ready = await lium.waitForPodReady(pod, { timeoutMs: 300_000 });

  try {
    // 3. Upload a script, run it, download what it wrote
    const work = await mkdtemp(join(tmpdir(), 'lium-example-'));
    await writeFile(join(work, 'train.sh'), 'echo "epoch 1: loss 0.42" | tee /root/results.txt\n');
    await lium.uploadFile(ready, join(work, 'train.sh'), '/root/train.sh');

    const run = await lium.executeCommand(ready, 'sh /root/train.sh', {
      env: { EPOCHS: '1' },
      onStdout: (chunk) => process.stdout.write(chunk),
    });
    if (!run.success) throw new Error(`Training failed (exit ${run.exitCode}): ${run.stderr}`);

    await lium.downloadFile(ready, '/root/results.txt', join(work, 'results.txt'));
    console.log('results:', await readFile(join(work, 'results.txt'), 'utf8'));
  } finally {
    // 4. Stop paying
    await lium.stopPod(ready);
  }
} finally {
  await lium.close(); // closes every SSH connection this instance opened
}
