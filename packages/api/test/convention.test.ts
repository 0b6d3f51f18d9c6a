/**
 * Every endpoint method of `LiumAPIClient` and `LiumPayClient` takes its input one way
 * (client.ts, docs/architecture.md): `method(...pathIds, input?, options?)`:
 *   - one positional string per `{placeholder}` in the endpoint its doc comment names, and no
 *     other positional value;
 *   - at most one input object (query and body alike) with camelCase keys and no request option;
 *   - `options: RequestOptions`, always last.
 * The issue that asked for this found inputs shaped three ways; this fails on a fourth.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const CLIENTS = [
  { file: 'client.ts', className: 'LiumAPIClient' },
  { file: 'pay-client.ts', className: 'LiumPayClient' },
];
const REQUEST_OPTION_KEYS = new Set(['signal', 'timeoutMs', 'maxRetries']);
const ENDPOINT = /`(?:GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/;

interface Method {
  name: string;
  doc: string;
  params: ts.ParameterDeclaration[];
  source: ts.SourceFile;
}

async function parse(file: string): Promise<ts.SourceFile> {
  const text = await readFile(join(SRC, file), 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** Every interface of the package's sources, by name (input types live in several files). */
async function interfaces(): Promise<Map<string, ts.InterfaceDeclaration>> {
  const found = new Map<string, ts.InterfaceDeclaration>();
  const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.ts'))) {
    const rel = join(entry.parentPath, entry.name).slice(SRC.length + 1);
    const source = await parse(rel);
    for (const statement of source.statements) {
      if (ts.isInterfaceDeclaration(statement)) found.set(statement.name.text, statement);
    }
  }
  return found;
}

async function endpointMethods(file: string, className: string): Promise<Method[]> {
  const source = await parse(file);
  const cls = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className,
  );
  if (!cls) throw new Error(`${className} not found in ${file}`);
  return publicMethods(cls, source);
}

/** The public methods of a class, with their doc comments. */
function publicMethods(cls: ts.ClassDeclaration, source: ts.SourceFile): Method[] {
  return cls.members
    .filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m))
    .filter((m) => !ts.isPrivateIdentifier(m.name))
    .filter((m) => !m.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.PrivateKeyword))
    .map((m) => ({
      name: m.name.getText(source),
      doc: ts
        .getJSDocCommentsAndTags(m)
        .map((d) => d.getText(source))
        .join('\n'),
      params: [...m.parameters],
      source,
    }));
}

/** The member names of an input type: a literal, or an interface of the package. */
function inputKeys(
  type: ts.TypeNode,
  known: Map<string, ts.InterfaceDeclaration>,
  source: ts.SourceFile,
): { keys: string[]; problems: string[] } {
  if (ts.isTypeLiteralNode(type)) {
    return { keys: type.members.map((m) => m.name?.getText(source) ?? '?'), problems: [] };
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText(source);
    const declaration = known.get(name);
    if (!declaration)
      return { keys: [], problems: [`input type ${name} is not an interface here`] };
    const problems = (declaration.heritageClauses ?? []).flatMap((h) =>
      h.types.map((t) => `${name} extends ${t.getText()}`),
    );
    return {
      keys: declaration.members.map((m) => m.name?.getText(declaration.getSourceFile()) ?? '?'),
      problems,
    };
  }
  return { keys: [], problems: [`input is a ${type.getText(source)}, not one object`] };
}

function problemsOf(
  method: Method,
  known: Map<string, ts.InterfaceDeclaration>,
  forwardedTo: Map<string, Method>,
): string[] {
  const { params, source } = method;
  const text = (p: ts.ParameterDeclaration, from = source) => p.type?.getText(from) ?? '(untyped)';
  const endpoint = ENDPOINT.exec(method.doc)?.[1];
  if (endpoint === undefined) {
    // A deprecated forwarder to LiumPayClient: the same parameters as the method it calls.
    const target = forwardedTo.get(method.name);
    if (!method.doc.includes('@deprecated') || !target) return ['names no endpoint'];
    const mine = params.map((p) => `${p.name.getText(source)}: ${text(p)}`);
    const theirs = target.params.map(
      (p) => `${p.name.getText(target.source)}: ${text(p, target.source)}`,
    );
    return mine.join(', ') === theirs.join(', ') ? [] : ['differs from the method it forwards to'];
  }
  const problems: string[] = [];
  const last = params.at(-1);
  if (!last || !(last.name.getText(source) === 'options' && text(last) === 'RequestOptions')) {
    problems.push('the last parameter is not `options: RequestOptions`');
  }
  const rest = params.slice(0, -1);
  const pathIds = (endpoint.match(/\{[^}]+\}/g) ?? []).length;
  const positional = rest.slice(0, pathIds);
  for (const p of positional) {
    if (text(p) !== 'string') problems.push(`path id ${p.name.getText(source)} is not a string`);
  }
  if (positional.length < pathIds) problems.push(`${endpoint} has ${pathIds} path ids`);
  const inputs = rest.slice(pathIds);
  if (inputs.length > 1) {
    problems.push(
      `${inputs.length} parameters after the path ids: ${inputs.map((p) => text(p)).join(', ')}`,
    );
  }
  for (const input of inputs) {
    if (!input.type) continue;
    const { keys, problems: typeProblems } = inputKeys(input.type, known, source);
    problems.push(...typeProblems);
    for (const key of keys) {
      if (REQUEST_OPTION_KEYS.has(key)) problems.push(`request option ${key} in the input`);
      if (key.includes('_')) problems.push(`input key ${key} is not camelCase`);
    }
  }
  return problems;
}

describe('the input convention of the endpoint methods', () => {
  it('holds for every endpoint method of LiumAPIClient and LiumPayClient', async () => {
    const known = await interfaces();
    const pay = await endpointMethods('pay-client.ts', 'LiumPayClient');
    const forwardedTo = new Map(pay.map((m) => [m.name, m]));
    const report: Record<string, string[]> = {};
    let checked = 0;
    for (const { file, className } of CLIENTS) {
      for (const method of await endpointMethods(file, className)) {
        checked += 1;
        const problems = problemsOf(method, known, forwardedTo);
        if (problems.length > 0) report[`${className}.${method.name}`] = problems;
      }
    }
    expect(report).toEqual({});
    // Every endpoint of both clients was looked at (57 when this was written).
    expect(checked).toBeGreaterThan(50);
  });

  it('notices a method that folds its options into the input, or takes a loose value', async () => {
    const source = ts.createSourceFile(
      'drift.ts',
      `class LiumAPIClient {
        /** \`GET /pods/{id}/logs\`. */
        a(podId: string, query: { tail?: number; signal?: AbortSignal }) {}
        /** \`POST /pods/{id}/install-jupyter\`. */
        b(podId: string, internalPort: number, options: RequestOptions = {}) {}
        /** \`PUT /templates/{id}\`. */
        c(templateId: string, body: { docker_image: string }, options: RequestOptions = {}) {}
      }`,
      ts.ScriptTarget.Latest,
      true,
    );
    const methods = publicMethods(source.statements[0] as ts.ClassDeclaration, source);
    const known = new Map<string, ts.InterfaceDeclaration>();
    expect(methods.map((m) => problemsOf(m, known, new Map()))).toEqual([
      ['the last parameter is not `options: RequestOptions`'],
      ['input is a number, not one object'],
      ['input key docker_image is not camelCase'],
    ]);
  });
});
