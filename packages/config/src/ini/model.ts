/**
 * The INI file as configparser sees it, with every physical line kept so the file can be written
 * back byte for byte where nothing changed (comments, blank lines, key order, spacing).
 */

/** One `key = value` entry: its first line plus any continuation lines (and the blank or comment
 *  lines between them, which belong to the value as far as configparser is concerned). */
export interface OptionNode {
  kind: 'option';
  /** The option name as configparser sees it: stripped and lower-cased. */
  option: string;
  /** The value as configparser returns it without interpolation (`ConfigParser(interpolation=None)`). */
  value: string;
  /** The physical lines of this entry, without line terminators. */
  lines: string[];
  /** Where the value starts in `lines[0]`; the text before it is kept when the value changes. */
  valueStart: number;
}

/** A blank line or a comment line between entries. */
export interface TriviaNode {
  kind: 'trivia';
  line: string;
}

export type BodyNode = OptionNode | TriviaNode;

export interface SectionNode {
  name: string;
  /** The header line as written (e.g. `[api]`). */
  header: string;
  body: BodyNode[];
}

export interface IniModel {
  /** Blank and comment lines before the first section header. */
  preamble: string[];
  sections: SectionNode[];
  /** The line terminator the file uses (`\n` unless the file was written with `\r\n` or `\r`). */
  eol: string;
  /** Whether the last line ends with a line terminator. */
  finalNewline: boolean;
}

/** configparser's special section whose options every other section inherits. */
export const DEFAULT_SECTION = 'DEFAULT';
