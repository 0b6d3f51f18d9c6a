import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

interface PodRowJson {
  index: number;
  huid: string;
  name: string;
  status: string;
  ssh_cmd: string | null;
}

describe('the whole workflow, in-process against the emulator', () => {
  const world = useEmulatorWorld({ executors: 40, readyDelayMs: 100 });
  const lium = (argv: string[], options: { tty?: boolean } = {}) => world.lium(argv, options);

  it('ls prints a table of machines on stdout and a hint on stderr', async () => {
    const result = await lium(['ls', '--limit', '5']);
    expect(result.stderr).toContain('lium up');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/#\s+HUID\s+GPU/);
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^\s*1\s+[a-z]+-[a-z]+-[0-9a-f]{2}\s/);
  });

  it('ls --json prints the documented rows and nothing else on stdout', async () => {
    const result = await lium(['ls', 'H100', '--json', '--limit', '3']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(3);
    for (const row of rows) {
      expect(row).toMatchObject({
        gpu_type: 'H100',
        index: expect.any(Number),
        is_pareto: expect.any(Boolean),
      });
      // Every field of the reference's `ls` JSON rows (Appendix A, `compact_executor`).
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(
          'index id huid config gpu_type gpu_count price_per_gpu_hour price_per_hour country vram_gb ram_gb disk_gb upload_mbps download_mbps available_ports docker_in_docker is_pareto max_cuda_version tier'.split(
            ' ',
          ),
        ),
      );
    }
  });

  it('ls filters by country, CUDA version and tier', async () => {
    const rows = JSON.parse((await lium(['ls', '--json'])).stdout) as {
      country: string | null;
      max_cuda_version: number | null;
      tier: string | null;
    }[];
    const country = rows.find((row) => row.country)?.country as string;
    const inCountry = JSON.parse(
      (await lium(['ls', '--json', '--country', country])).stdout,
    ) as typeof rows;
    expect(inCountry.length).toBeGreaterThan(0);
    expect(inCountry.every((row) => row.country === country)).toBe(true);
    const cuda = JSON.parse(
      (await lium(['ls', '--json', '--min-cuda', '12.8'])).stdout,
    ) as typeof rows;
    expect(cuda.every((row) => (row.max_cuda_version ?? 0) >= 12.8)).toBe(true);
    const secure = JSON.parse(
      (await lium(['ls', '--json', '--tier', 'secure'])).stdout,
    ) as typeof rows;
    expect(secure.every((row) => row.tier === 'secure')).toBe(true);
  });

  // Each test asks for what it needs, so any one of them runs alone or in any order: the pod most
  // tests use is rented on first need (and `ps` refreshed so index 1 names it), the local
  // project directory is written on first need, and `down` stops a pod of its own.
  let rented: Promise<{ code: number; stderr: string; row: PodRowJson }> | undefined;
  const rentWorkflowPod = () => {
    rented ??= (async () => {
      await lium(['ls', '--limit', '5']);
      const result = await lium(['up', '1', '-y', '--json', '--name', 'workflow']);
      const [row] = JSON.parse(result.stdout) as PodRowJson[];
      return { code: result.code, stderr: result.stderr, row: row as PodRowJson };
    })();
    return rented;
  };
  const readyPod = async (): Promise<PodRowJson> => {
    const { row } = await rentWorkflowPod();
    await lium(['ps']);
    return row;
  };
  const localProject = () => {
    const src = join(world.sandbox.dir, 'project');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha\n');
    writeFileSync(join(src, 'sub', 'b.txt'), 'beta\n');
    return src;
  };

  it('up 1 -y rents row 1 of the last ls and waits until it is usable', async () => {
    const { code, stderr, row } = await rentWorkflowPod();
    expect(stderr).not.toContain('✘');
    expect(code).toBe(0);
    expect(row?.status).toBe('RUNNING');
    expect(row?.ssh_cmd).toMatch(/^ssh root@127\.0\.0\.1 -p \d+$/);
  });

  it('ps lists the pod with its index', async () => {
    const pod = await readyPod();
    const result = await lium(['ps']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^\\s*1\\s+${pod.huid}\\s`, 'm'));
    expect(result.stdout).toContain('RUNNING');
    const json = JSON.parse((await lium(['ps', '--json'])).stdout) as PodRowJson[];
    expect(json.map((row) => row.huid)).toEqual([pod.huid]);
    // Every field of the reference's `ps` JSON rows (Appendix A, `compact_pod`).
    expect(Object.keys(json[0] as object)).toEqual(
      expect.arrayContaining(
        'id huid name status gpu_type gpu_count config template price_per_hour spent_usd uptime created_at ip ports ssh_cmd removal_scheduled_at jupyter_url'.split(
          ' ',
        ),
      ),
    );
    expect((json[0] as unknown as { uptime: string }).uptime).toMatch(/^\d+[dhm]/);
  });

  it('exec 1 in another shell uses the newest ps of any shell (timeout, sh -c per command)', async () => {
    await readyPod();
    const configDir = world.sandbox.configDir;
    const ownSnapshot = readdirSync(configDir).find((name) => /^last_ps\.\d+\.json$/.test(name));
    expect(ownSnapshot).toBeDefined();
    // The `ps` above ran under another shell: move its snapshot to a pid that is not ours.
    renameSync(join(configDir, ownSnapshot as string), join(configDir, 'last_ps.1.json'));
    const result = await lium(['exec', '1', 'echo from-another-shell']);
    expect(result.stderr).not.toContain('✘');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('from-another-shell');
  });

  it('exec streams the remote output and passes the exit code through', async () => {
    const pod = await readyPod();
    const ok = await lium(['exec', '1', 'echo hello from $(hostname) && echo oops >&2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hello from');
    expect(ok.stderr).toContain('oops');
    const failing = await lium(['exec', pod.huid, 'exit 7']);
    expect(failing.code).toBe(7);
    const killed = await lium(['exec', '1', 'kill -TERM $$']);
    expect(killed.code).toBe(143);
    // Unquoted words, with options exec does not know, are the remote command.
    const words = await lium(['exec', '1', 'echo', '-n', 'no', 'newline']);
    expect(words.stdout).toBe('no newline');
  });

  it('exec --env delivers values exactly', async () => {
    await readyPod();
    const hostile = `a "b" $HOME \`x\` 'y'`;
    const result = await lium(['exec', '1', '-e', `VALUE=${hostile}`, '--', 'printf %s "$VALUE"']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(hostile);
    const two = await lium(['exec', '1', '-e', 'A=1', '-e', 'B=2', 'echo $A$B']);
    expect(two.stdout).toBe('12\n');
  });

  it('exec --json prints NDJSON lines and one result', async () => {
    const pod = await readyPod();
    const result = await lium(['exec', '1', '--json', 'echo one; echo two']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((e) => e.type === 'line').map((e) => e.line)).toEqual(['one', 'two']);
    expect(events.at(-1)).toMatchObject({ type: 'result', pod: pod.huid, exit_code: 0 });
  });

  it('scp uploads and downloads the same bytes', async () => {
    await readyPod();
    const local = join(world.sandbox.dir, 'payload.bin');
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251));
    writeFileSync(local, bytes);
    const up = await lium(['scp', '1', local, '/root/payload.bin']);
    expect(up.stderr).toContain('Uploaded');
    expect(up.code).toBe(0);
    const back = join(world.sandbox.dir, 'back.bin');
    const down = await lium(['scp', `1:/root/payload.bin`, back]);
    expect(down.code).toBe(0);
    expect(readFileSync(back).equals(bytes)).toBe(true);
  });

  it('rsync pushes a directory and pulls it back', async () => {
    await readyPod();
    const src = localProject();
    const push = await lium(['rsync', `${src}/`, '1:/root/project/']);
    expect(push.stderr).toContain('Synced');
    expect(push.code).toBe(0);
    const pulled = join(world.sandbox.dir, 'pulled');
    const pull = await lium(['rsync', '1:/root/project/', `${pulled}/`]);
    expect(pull.code).toBe(0);
    expect(readFileSync(join(pulled, 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
  });

  it('rsync keeps rsync’s trailing-slash rule: no slash copies the folder itself', async () => {
    await readyPod();
    const src = localProject();
    const push = await lium(['rsync', src, '1:/root/nested', '--json']);
    expect(push.code).toBe(0);
    const [row] = JSON.parse(push.stdout) as { remote: string }[];
    expect(row?.remote).toBe('/root/nested/project');
    const listed = await lium(['exec', '1', 'cat /root/nested/project/a.txt; ls /root/nested']);
    expect(listed.stdout).toBe('alpha\nproject\n');
    const pulled = join(world.sandbox.dir, 'pulled-folder');
    const pull = await lium(['rsync', '1:/root/nested/project', pulled]);
    expect(pull.code).toBe(0);
    expect(readFileSync(join(pulled, 'project', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    // A single file is copied as itself, whatever the slash rule.
    const file = join(world.sandbox.dir, 'pulled-file');
    mkdirSync(file);
    expect((await lium(['rsync', '1:/root/nested/project/a.txt', `${file}/`])).code).toBe(0);
    expect(readFileSync(join(file, 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  it('down -y stops the pod', async () => {
    await lium(['ls', '--limit', '5']);
    const up = await lium(['up', '2', '-y', '--json', '--name', 'to-stop']);
    expect(up.code).toBe(0);
    const [own] = JSON.parse(up.stdout) as PodRowJson[];
    const result = await lium(['down', 'to-stop', '-y']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Stopped ${own?.huid}`);
    const after = JSON.parse((await lium(['ps', '--json'])).stdout) as PodRowJson[];
    expect(after.map((row) => row.name)).not.toContain('to-stop');
  });
});
