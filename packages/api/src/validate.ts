import * as v from 'valibot';
import { LiumResponseShapeError, type ShapeIssue } from './errors.ts';
import type { ApiResponse } from './transport.ts';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `pods[3].executor.id`: the root is the resource's name, array indexes in brackets. */
export function formatIssuePath(root: string, path: v.IssuePathItem[] | undefined): string {
  let text = root;
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/**
 * Checks a 2xx body against its schema and returns the normalised value. A body that is not JSON,
 * or breaks the schema, throws `LiumResponseShapeError` naming the bad field, e.g. `pods[3].id`.
 */
export function validate<TSchema extends v.GenericSchema>(
  schema: TSchema,
  response: ApiResponse,
  root: string,
): v.InferOutput<TSchema> {
  const { method, path, status, requestId } = response;
  const base = { method, path, status, requestId, body: response.body };
  if (!response.isJson) {
    const issues = [{ path: root, message: 'the body is not valid JSON' }];
    throw new LiumResponseShapeError(
      `${method} ${path} returned ${status} with a body that is not valid JSON`,
      { ...base, issues },
    );
  }
  const result = v.safeParse(schema, response.body);
  if (result.success) return result.output;
  const issues: ShapeIssue[] = result.issues.map((issue) => ({
    path: formatIssuePath(root, issue.path),
    message: issue.message,
  }));
  const shown = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new LiumResponseShapeError(
    `${method} ${path} returned an unexpected body: ${shown}${more}`,
    { ...base, issues },
  );
}
