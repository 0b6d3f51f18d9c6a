import { type ValidationIssue, validationError } from './errors.ts';

/**
 * Field checks that report problems the way FastAPI + pydantic v2 does, so clients that read
 * `detail[0].msg` (§1.4) show something sensible. Each reader records an issue and returns
 * `undefined` instead of throwing, so one 422 lists every bad field; call `done()` last.
 */
export class Validator {
  readonly issues: ValidationIssue[] = [];
  private readonly source: Record<string, unknown>;
  private readonly where: 'body' | 'query';

  constructor(where: 'body' | 'query', source: unknown) {
    this.where = where;
    if (where === 'body' && source === undefined) {
      this.issues.push({ loc: ['body'], msg: 'Field required', type: 'missing' });
      this.source = {};
    } else if (
      where === 'body' &&
      (typeof source !== 'object' || source === null || Array.isArray(source))
    ) {
      this.issues.push({
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        type: 'model_attributes_type',
        input: source,
      });
      this.source = {};
    } else {
      this.source = (source ?? {}) as Record<string, unknown>;
    }
  }

  has(field: string): boolean {
    return this.source[field] !== undefined && this.source[field] !== null;
  }

  raw(field: string): unknown {
    return this.source[field];
  }

  fail(field: string | null, msg: string, type = 'value_error'): void {
    this.issues.push({
      loc: field === null ? [this.where] : [this.where, field],
      msg: type === 'value_error' ? `Value error, ${msg}` : msg,
      type,
      ...(field === null ? {} : { input: this.source[field] }),
    });
  }

  private missing(field: string): undefined {
    this.issues.push({ loc: [this.where, field], msg: 'Field required', type: 'missing' });
    return undefined;
  }

  string(
    field: string,
    opts: { required?: boolean; maxLength?: number; minLength?: number } = {},
  ): string | undefined {
    const value = this.source[field];
    if (value === undefined || value === null)
      return opts.required ? this.missing(field) : undefined;
    if (typeof value !== 'string') {
      this.fail(field, 'Input should be a valid string', 'string_type');
      return undefined;
    }
    if (opts.minLength !== undefined && value.length < opts.minLength) {
      this.fail(
        field,
        `String should have at least ${opts.minLength} character${opts.minLength === 1 ? '' : 's'}`,
        'string_too_short',
      );
      return undefined;
    }
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.fail(
        field,
        `String should have at most ${opts.maxLength} characters`,
        'string_too_long',
      );
      return undefined;
    }
    return value;
  }

  uuid(field: string, opts: { required?: boolean } = {}): string | undefined {
    const value = this.source[field];
    if (value === undefined || value === null)
      return opts.required ? this.missing(field) : undefined;
    if (typeof value !== 'string' || !isUuid(value)) {
      this.fail(
        field,
        'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]',
        'uuid_parsing',
      );
      return undefined;
    }
    return value.toLowerCase();
  }

  int(field: string, opts: NumberOptions = {}): number | undefined {
    return this.numeric(field, opts, 'integer');
  }

  number(field: string, opts: NumberOptions = {}): number | undefined {
    return this.numeric(field, opts, 'number');
  }

  /** Numbers arrive as JSON numbers in bodies and as strings in queries; both are accepted. */
  private numeric(
    field: string,
    opts: NumberOptions,
    kind: 'integer' | 'number',
  ): number | undefined {
    const value = this.source[field];
    if (value === undefined || value === null || value === '') {
      return opts.required ? this.missing(field) : undefined;
    }
    const text = typeof value === 'string' ? value.trim() : undefined;
    const parsed =
      text === undefined
        ? value
        : kind === 'integer'
          ? /^-?\d+$/.test(text)
            ? Number(text)
            : Number.NaN
          : Number(text);
    const valid =
      typeof parsed === 'number' &&
      (kind === 'integer' ? Number.isInteger(parsed) : Number.isFinite(parsed));
    if (!valid) {
      const [parsing, type] = kind === 'integer' ? ['an integer', 'int'] : ['a number', 'float'];
      this.fail(
        field,
        text === undefined
          ? `Input should be a valid ${kind}`
          : `Input should be a valid ${kind}, unable to parse string as ${parsing}`,
        text === undefined ? `${type}_type` : `${type}_parsing`,
      );
      return undefined;
    }
    return this.bounds(field, parsed as number, opts);
  }

  private bounds(
    field: string,
    value: number,
    opts: { min?: number; max?: number },
  ): number | undefined {
    if (opts.min !== undefined && value < opts.min) {
      this.fail(
        field,
        `Input should be greater than or equal to ${opts.min}`,
        'greater_than_equal',
      );
      return undefined;
    }
    if (opts.max !== undefined && value > opts.max) {
      this.fail(field, `Input should be less than or equal to ${opts.max}`, 'less_than_equal');
      return undefined;
    }
    return value;
  }

  bool(field: string, opts: { required?: boolean } = {}): boolean | undefined {
    const value = this.source[field];
    if (value === undefined || value === null)
      return opts.required ? this.missing(field) : undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false|1|0|yes|no|on|off)$/i.test(value)) {
      return /^(true|1|yes|on)$/i.test(value);
    }
    this.fail(field, 'Input should be a valid boolean', 'bool_type');
    return undefined;
  }

  stringList(
    field: string,
    opts: { required?: boolean; minItems?: number } = {},
  ): string[] | undefined {
    const value = this.source[field];
    if (value === undefined || value === null)
      return opts.required ? this.missing(field) : undefined;
    if (!Array.isArray(value)) {
      this.fail(field, 'Input should be a valid list', 'list_type');
      return undefined;
    }
    if (opts.minItems !== undefined && value.length < opts.minItems) {
      this.fail(
        field,
        `List should have at least ${opts.minItems} item${opts.minItems === 1 ? '' : 's'} after validation, not ${value.length}`,
        'too_short',
      );
      return undefined;
    }
    const bad = value.findIndex((item) => typeof item !== 'string');
    if (bad >= 0) {
      this.issues.push({
        loc: [this.where, field, bad],
        msg: 'Input should be a valid string',
        type: 'string_type',
      });
      return undefined;
    }
    return value as string[];
  }

  intList(field: string): number[] | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.fail(field, 'Input should be a valid list', 'list_type');
      return undefined;
    }
    const bad = value.findIndex(
      (item) => typeof item !== 'number' || !Number.isInteger(item) || item < 1 || item > 65535,
    );
    if (bad >= 0) {
      this.issues.push({
        loc: [this.where, field, bad],
        msg: 'Input should be a valid port number',
        type: 'int_type',
      });
      return undefined;
    }
    return value as number[];
  }

  stringMap(field: string): Record<string, string> | undefined {
    const value = this.source[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, 'Input should be a valid dictionary', 'dict_type');
      return undefined;
    }
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') {
        this.issues.push({
          loc: [this.where, field, key],
          msg: 'Input should be a valid string',
          type: 'string_type',
        });
        return undefined;
      }
    }
    return value as Record<string, string>;
  }

  /** Throws the 422 when any field was bad. */
  done(): void {
    if (this.issues.length > 0) throw validationError(this.issues);
  }
}

interface NumberOptions {
  required?: boolean;
  min?: number;
  max?: number;
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
