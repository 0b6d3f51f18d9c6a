/**
 * `Lium` stays a façade (issue #13): lium.ts and its base classes (lium-base.ts, lium-account.ts,
 * lium-transfers.ts) hold only documented one-statement methods that delegate to modules, and
 * none of the public methods of `Lium` goes missing when a group moves to another class.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Lium } from '../src/index.ts';

const SRC = join(import.meta.dirname, '..', 'src');
const FACADE_FILES = ['lium.ts', 'lium-base.ts', 'lium-account.ts', 'lium-transfers.ts'];
const MAX_LINES = 450;

/** The public methods of `Lium` as of the split; a new one is added here on purpose. */
const PUBLIC_METHODS = `getSettings getApiClient getSshKey getSshPool close listMachineNames
  listExecutors bestExecutor getExecutor getDeploymentEstimate rememberExecutors rememberPods
  podIdleness rememberedPodWords rememberedGpuTypes resolveExecutors resolvePods listPods getPod
  getPodByName startPod startPods waitForPodReady stopPod stopPods rebootPod scheduleRemoval
  cancelScheduledRemoval streamLogs installJupyter sshTarget executeCommand executeMany shell
  forwardPort uploadFile downloadFile uploadToMany downloadFromMany syncDirectory syncMany
  getTemplates getTemplate createTemplate waitForTemplateVerified deleteTemplate rememberTemplates
  chooseTemplate templateForImage getMe getBalance listSshKeys addSshKey removeSshKey syncSshKeys
  listVolumes createVolume updateVolume deleteVolume setBackupConfig getBackupConfig
  removeBackupConfig backupNow listBackupLogs restoreBackup listRestoreLogs`.split(/\s+/);

interface FacadeMember {
  file: string;
  name: string;
  statements: number;
  documented: boolean;
}

async function facadeMembers(file: string): Promise<{ lines: number; members: FacadeMember[] }> {
  const text = await readFile(join(SRC, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const members: FacadeMember[] = [];
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    for (const member of statement.members) {
      if (!ts.isMethodDeclaration(member) && !ts.isConstructorDeclaration(member)) continue;
      members.push({
        file,
        name: ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText(source),
        statements: member.body?.statements.length ?? 0,
        documented: ts.getJSDocCommentsAndTags(member).length > 0,
      });
    }
  }
  return { lines: text.split('\n').length - 1, members };
}

describe('the Lium façade', () => {
  it.each(FACADE_FILES)(`%s stays under ${MAX_LINES} lines`, async (file) => {
    const { lines } = await facadeMembers(file);
    expect(lines).toBeLessThan(MAX_LINES);
  });

  it('has only documented methods of one statement (a delegation), no inline logic', async () => {
    const members = (await Promise.all(FACADE_FILES.map(facadeMembers))).flatMap((f) => f.members);
    expect(members.length).toBeGreaterThan(PUBLIC_METHODS.length);
    const long = members.filter((m) => m.statements !== 1).map((m) => `${m.file} ${m.name}`);
    const undocumented = members.filter((m) => !m.documented).map((m) => `${m.file} ${m.name}`);
    expect(long).toEqual([]);
    expect(undocumented).toEqual([]);
  });

  it('keeps every public method on Lium, wherever in the class chain it lives', () => {
    const lium = new Lium({ apiKey: 'test-key', configDir: '/nonexistent-lium-facade-test' });
    const missing = PUBLIC_METHODS.filter(
      (name) => typeof (lium as unknown as Record<string, unknown>)[name] !== 'function',
    );
    expect(missing).toEqual([]);
    expect(typeof lium[Symbol.asyncDispose]).toBe('function');
  });
});
