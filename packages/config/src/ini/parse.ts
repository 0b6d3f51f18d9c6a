import { LiumConfigError } from '../errors.ts';
import { DEFAULT_SECTION, type IniModel, type OptionNode, type SectionNode } from './model.ts';
import { PY_WHITESPACE, pyLstrip, pyRstrip, pyStrip } from './python-text.ts';

/**
 * Parses INI text exactly as Python's `configparser.ConfigParser(interpolation=None)` reads it with
 * its defaults (Python 3.11): `=` and `:` delimiters, full-line `#`/`;` comments and no inline
 * comments (so `#` and `;` inside values are kept), values stripped, option names lower-cased,
 * continuation lines indented deeper than their key, blank lines inside values, strict mode
 * (duplicate sections and options are errors) and no valueless options.
 *
 * Values are not %-interpolated: the current official CLI and SDK read the file with
 * `interpolation=None`, so `%%` is two percent signs (`lium/cli/settings.py`, `lium/sdk/config.py`).
 *
 * Unlike configparser, the first problem stops parsing; the error names the file and line.
 */
export function parseIni(text: string, file?: string): IniModel {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const eol = /\r\n|\n|\r/.exec(body)?.[0] ?? '\n';
  const lines = body.split(/\r\n|\n|\r/);
  const finalNewline = lines.length > 1 && lines[lines.length - 1] === '';
  if (finalNewline || body === '') lines.pop();

  const model: IniModel = { preamble: [], sections: [], eol, finalNewline: true };
  model.finalNewline = finalNewline || lines.length === 0;

  let section: SectionNode | undefined;
  let option: OptionNode | undefined;
  /** Each option's value lines (configparser joins them with `\n` once the file is read). */
  const valueParts = new Map<OptionNode, string[]>();
  const seenSections = new Set<string>();
  const seenOptions = new Set<string>();
  let indentLevel = 0;
  let pending: string[] = [];

  const syntaxError = (lineNumber: number, reason: string): LiumConfigError => {
    const where = file === undefined ? `line ${lineNumber}` : `${file} line ${lineNumber}`;
    return new LiumConfigError(`Cannot parse ${where}: ${reason}`, {
      code: 'config_invalid',
      file,
      line: lineNumber,
      hint: `Fix or remove that line${file === undefined ? '' : ` in ${file}`}; nothing was written to it.`,
    });
  };

  const flushPending = () => {
    for (const line of pending) {
      if (section === undefined) model.preamble.push(line);
      else section.body.push({ kind: 'trivia', line });
    }
    pending = [];
  };

  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    if (isComment || stripped === '') {
      // configparser keeps blank lines inside a value (dropping trailing ones later), never comments.
      if (!isComment && option !== undefined) valueParts.get(option)?.push('');
      pending.push(line);
      continue;
    }

    const indent = line.length - pyLstrip(line).length;
    if (section !== undefined && option !== undefined && indent > indentLevel) {
      valueParts.get(option)?.push(stripped);
      option.lines.push(...pending, line);
      pending = [];
      continue;
    }

    flushPending();
    indentLevel = indent;

    const header = SECTION_HEADER.exec(stripped);
    if (header !== null) {
      const name = header[1] ?? '';
      if (name !== DEFAULT_SECTION && seenSections.has(name)) {
        throw syntaxError(lineNumber, `section [${name}] appears twice`);
      }
      seenSections.add(name);
      section = { name, header: line, body: [] };
      model.sections.push(section);
      option = undefined;
      continue;
    }
    if (section === undefined) {
      throw syntaxError(lineNumber, 'a setting before the first [section] header');
    }

    const entry = OPTION_LINE.exec(stripped);
    if (entry === null) {
      throw syntaxError(lineNumber, 'expected "key = value", a [section] header or a # comment');
    }
    const name = pyRstrip(entry[1] ?? '').toLowerCase();
    if (name === '') throw syntaxError(lineNumber, 'a setting with no key before the "="');
    const id = `${section.name}\u0000${name}`;
    if (seenOptions.has(id))
      throw syntaxError(lineNumber, `key "${name}" appears twice in [${section.name}]`);
    seenOptions.add(id);

    const value = entry[3] ?? '';
    option = {
      kind: 'option',
      option: name,
      value,
      lines: [line],
      valueStart: pyRstrip(line).length - value.length,
    };
    valueParts.set(option, [value]);
    section.body.push(option);
  }
  flushPending();

  for (const [entry, parts] of valueParts) entry.value = pyRstrip(parts.join('\n'));
  return model;
}

/** `RawConfigParser.SECTCRE`: `\[(?P<header>.+)\]` matched at the start of the stripped line. */
const SECTION_HEADER = /^\[([\s\S]+)\]/;

/** `RawConfigParser.OPTCRE` with the default delimiters `=` and `:`. */
const OPTION_LINE = new RegExp(
  `^([\\s\\S]*?)[${PY_WHITESPACE}]*([=:])[${PY_WHITESPACE}]*([\\s\\S]*)$`,
);
