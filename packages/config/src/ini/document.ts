import {
  type BodyNode,
  DEFAULT_SECTION,
  type IniModel,
  type OptionNode,
  type SectionNode,
} from './model.ts';
import { parseIni } from './parse.ts';
import { pyRstrip, pyStrip } from './python-text.ts';

export interface IniEntry {
  section: string;
  option: string;
  value: string;
}

/**
 * An INI file that can be read and edited like configparser does, and written back with every
 * line that was not edited kept as it was.
 *
 * New entries are written the way configparser writes them (`key = value`, a blank line after
 * each section), so a file created here is byte for byte what Python would have written.
 * Callers validate section names, options and values first (see `keys.ts`).
 */
export class IniDocument {
  private constructor(private readonly model: IniModel) {}

  static parse(text: string, file?: string): IniDocument {
    return new IniDocument(parseIni(text, file));
  }

  static empty(): IniDocument {
    return new IniDocument({ preamble: [], sections: [], eol: '\n', finalNewline: true });
  }

  /** Section names in file order, each once (`DEFAULT` included when present). */
  sections(): string[] {
    return [...new Set(this.model.sections.map((section) => section.name))];
  }

  hasSection(name: string): boolean {
    return this.model.sections.some((section) => section.name === name);
  }

  /** True when `option` is written in `section` itself (not inherited from `DEFAULT`). */
  hasOwn(section: string, option: string): boolean {
    return this.find(section, option) !== undefined;
  }

  /**
   * The value configparser's `get(section, option)` returns: the section's own value, else the
   * `DEFAULT` section's when the section exists; `undefined` otherwise.
   */
  get(section: string, option: string): string | undefined {
    const own = this.find(section, option);
    if (own !== undefined) return own.node.value;
    if (section !== DEFAULT_SECTION && this.hasSection(section)) {
      return this.find(DEFAULT_SECTION, option)?.node.value;
    }
    return undefined;
  }

  /** Every entry written in the file, in file order. */
  entries(): IniEntry[] {
    return this.model.sections.flatMap((section) =>
      section.body
        .filter((node): node is OptionNode => node.kind === 'option')
        .map((node) => ({ section: section.name, option: node.option, value: node.value })),
    );
  }

  set(section: string, option: string, value: string): void {
    this.model.finalNewline = true;
    const existing = this.find(section, option);
    if (existing !== undefined) {
      const { node } = existing;
      const first = node.lines[0] ?? '';
      let prefix = first.slice(0, node.valueStart);
      if (pyStrip(first.slice(node.valueStart)) === '') prefix = `${pyRstrip(prefix)} `;
      node.lines = [prefix + value];
      node.value = value;
      return;
    }

    const node: OptionNode = {
      kind: 'option',
      option,
      value,
      lines: [`${option} = ${value}`],
      valueStart: option.length + 3,
    };
    const target = this.model.sections.findLast((candidate) => candidate.name === section);
    if (target !== undefined) {
      const lastOption = target.body.findLastIndex((entry) => entry.kind === 'option');
      target.body.splice(lastOption + 1, 0, node);
      return;
    }

    this.separateFromPrevious();
    this.model.sections.push({
      name: section,
      header: `[${section}]`,
      body: [node, { kind: 'trivia', line: '' }],
    });
  }

  /** Removes an option written in `section`; drops the section when nothing but blank lines is left. */
  unset(section: string, option: string): boolean {
    const existing = this.find(section, option);
    if (existing === undefined) return false;
    const { owner, node } = existing;
    owner.body.splice(owner.body.indexOf(node), 1);
    const onlyBlank = owner.body.every(
      (entry) => entry.kind === 'trivia' && pyStrip(entry.line) === '',
    );
    if (onlyBlank) this.model.sections.splice(this.model.sections.indexOf(owner), 1);
    return true;
  }

  toString(): string {
    const lines = [
      ...this.model.preamble,
      ...this.model.sections.flatMap((section) => [
        section.header,
        ...section.body.flatMap(linesOf),
      ]),
    ];
    if (lines.length === 0) return '';
    const { eol } = this.model;
    return lines.join(eol) + (this.model.finalNewline ? eol : '');
  }

  private find(
    section: string,
    option: string,
  ): { owner: SectionNode; node: OptionNode } | undefined {
    for (const owner of this.model.sections) {
      if (owner.name !== section) continue;
      for (const node of owner.body) {
        if (node.kind === 'option' && node.option === option) return { owner, node };
      }
    }
    return undefined;
  }

  /** Makes sure a new section starts after a blank line, as configparser writes them. */
  private separateFromPrevious(): void {
    const last = this.model.sections.at(-1);
    const lines =
      last === undefined ? this.model.preamble : [last.header, ...last.body.flatMap(linesOf)];
    const tail = lines.at(-1);
    if (tail === undefined || pyStrip(tail) === '') return;
    if (last === undefined) this.model.preamble.push('');
    else last.body.push({ kind: 'trivia', line: '' });
  }
}

function linesOf(node: BodyNode): string[] {
  return node.kind === 'option' ? node.lines : [node.line];
}
