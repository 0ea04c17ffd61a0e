/**
 * Turns zod issues into the agency's error list (`{ field, message }`, spec §13) with dotted
 * field paths and short messages. Pure.
 */
import type { z } from 'zod';

export interface RequestFieldError {
  /** Dotted path, e.g. `invoice.header.dueDate` or `actions[0].data.caseId`; '' for the body. */
  field: string;
  message: string;
}

export type RequestValidation<T> =
  { ok: true; value: T } | { ok: false; errors: RequestFieldError[] };

/** `['invoice', 'rows', 0, 'netAmount']` → `invoice.rows[0].netAmount`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    if (issue.input === null) return 'must not be null';
    return `must be ${article(issue.expected)}`;
  }
  if (issue.code === 'invalid_value' && issue.input === undefined) return 'required';
  if (issue.code === 'invalid_value')
    return `must be one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `must have at least ${String(issue.minimum)} item(s)`;
  return undefined;
};

export function toFieldErrors(error: z.ZodError): RequestFieldError[] {
  const out: RequestFieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ field: formatFieldPath([...issue.path, key]), message: 'unknown field' });
    } else {
      out.push({ field: formatFieldPath(issue.path), message: issue.message });
    }
  }
  return out;
}

export function validateWith<T>(schema: z.ZodType<T>, body: unknown): RequestValidation<T> {
  const result = schema.safeParse(body, { error: errorMap });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: toFieldErrors(result.error) };
}
