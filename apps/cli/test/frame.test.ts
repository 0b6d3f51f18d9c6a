import { describe, expect, it } from 'vitest';
import { commands, GROUP_TITLES } from '../src/commands/index.ts';
import { ANSI, runLium } from './helpers.ts';

describe('lium frame', () => {
  it('prints help with the exit codes on stdout and exits 0', async () => {
    const result = await runLium(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lium ls [gpu]');
    expect(result.stdout).toContain('130  interrupted');
    expect(result.stdout).toMatch(/2 +usage error/);
    expect(result.stderr).toBe('');
  });

  it('lists every command once, under its group, in the order pods, files, machines, account, storage', async () => {
    const { stdout } = await runLium(['--help']);
    const headings = [...stdout.matchAll(/^(\w+):$/gm)].map((match) => match[1]);
    expect(headings).toEqual(['Pods', 'Files', 'Machines', 'Account', 'Storage', 'Environment']);
    expect(stdout).not.toContain('Commands:');
    const sections = stdout.split(/^(?=\w+:$)/m);
    for (const entry of commands) {
      const title = GROUP_TITLES[entry.group];
      const section = sections.find((text) => text.startsWith(`${title}:`)) ?? '';
      expect(section, entry.command).toContain(`  lium ${entry.command} `);
      expect(stdout.split(`  lium ${entry.command} `)).toHaveLength(2);
    }
    // A command's own help keeps yargs' layout.
    expect((await runLium(['volumes', '--help'])).stdout).toContain('Commands:');
  });

  it('prints the version alone', async () => {
    const result = await runLium(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help for one command without loading the others', async () => {
    const result = await runLium(['exec', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--env');
    expect(result.stdout).toContain('--script');
  });

  it('accepts rm as another name for down', async () => {
    const result = await runLium(['rm', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--all');
  });

  it('refuses an unknown command with exit 2 and one line on stderr', async () => {
    const result = await runLium(['bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('Unknown command "bogus"');
    expect(result.stderr).toContain('lium --help');
  });

  it('refuses an unknown option with exit 2', async () => {
    const result = await runLium(['ls', '--bogus-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bogus-flag');
  });

  it('requires a command', async () => {
    const result = await runLium([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Name a command');
  });

  it('prints usage errors as JSON on stdout with --json', async () => {
    const result = await runLium(['--json', 'exec']);
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('usage_error');
    expect(body.error.message).toMatch(/lium exec needs TARGETS and a COMMAND/);
  });

  it('colours messages on a terminal and not elsewhere', async () => {
    const tty = await runLium(['bogus'], { tty: true });
    expect(tty.stderr).toMatch(ANSI);
    const piped = await runLium(['bogus'], { tty: false });
    expect(piped.stderr).not.toMatch(ANSI);
  });

  it('honours --no-color, NO_COLOR and FORCE_COLOR', async () => {
    expect((await runLium(['bogus', '--no-color'], { tty: true })).stderr).not.toMatch(ANSI);
    expect((await runLium(['bogus'], { tty: true, env: { NO_COLOR: '1' } })).stderr).not.toMatch(
      ANSI,
    );
    expect((await runLium(['bogus'], { tty: false, env: { FORCE_COLOR: '1' } })).stderr).toMatch(
      ANSI,
    );
    expect((await runLium(['bogus'], { tty: true, env: { FORCE_COLOR: '0' } })).stderr).not.toMatch(
      ANSI,
    );
  });
});
