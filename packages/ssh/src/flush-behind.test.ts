import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlushBehind } from './flush-behind.ts';

describe('FlushBehind (durable downloads without one big fsync at the end)', () => {
  let dir: string | undefined;
  afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('syncs in the background while a real file is written, then fsyncs it at the end', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lium-flush-'));
    const file = await open(join(dir, 'data.bin'), 'w');
    const calls: string[] = [];
    // The real file handle, counted: which syncs ran, and when.
    const counted = {
      datasync: () => {
        calls.push('datasync');
        return file.datasync();
      },
      sync: () => {
        calls.push('sync');
        return file.sync();
      },
    };
    const flusher = new FlushBehind(counted, 1024 * 1024);
    const chunk = Buffer.alloc(256 * 1024, 1);
    let written = 0;
    const write = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await file.write(chunk, 0, chunk.length, written);
        written += chunk.length;
        flusher.wrote(chunk.length);
      }
    };
    await write(4); // 1 MiB: the first background sync starts
    expect(calls).toEqual(['datasync']);
    await write(4); // while it may still run no second one starts; the next 1 MiB after it does
    await flusher.settle();
    await write(4);
    await flusher.settle();
    expect(calls.filter((call) => call === 'datasync').length).toBeGreaterThanOrEqual(2);
    expect(calls).not.toContain('sync');
    await write(2);
    await flusher.finish();
    expect(calls.at(-1)).toBe('sync');
    await file.close();
    expect((await readFile(join(dir, 'data.bin'))).length).toBe(14 * chunk.length);
  });

  it('fails the final sync with the error of a background one', async () => {
    const failure = new Error('EIO: i/o error, fdatasync');
    let synced = false;
    const flusher = new FlushBehind(
      {
        datasync: () => Promise.reject(failure),
        sync: async () => {
          synced = true;
        },
      },
      10,
    );
    flusher.wrote(10);
    await expect(flusher.finish()).rejects.toBe(failure);
    expect(synced).toBe(false);
  });

  it('does nothing in the background below the threshold', async () => {
    const calls: string[] = [];
    const flusher = new FlushBehind({
      datasync: async () => {
        calls.push('datasync');
      },
      sync: async () => {
        calls.push('sync');
      },
    });
    flusher.wrote(1024);
    await flusher.settle();
    await flusher.finish();
    expect(calls).toEqual(['sync']);
  });
});
