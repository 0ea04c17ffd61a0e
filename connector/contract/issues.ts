/**
 * Turns zod issues into the connector's `InvalidMessageError` with dotted field paths
 * (`data.lines[0].total`). Messages name fields and rules, never the values that failed.
 */
import type { z } from 'zod';
import { InvalidMessageError, type FieldIssue } from '../errors.ts';

const MAX_ISSUES = 50;
const SUMMARY_ISSUES = 3;

/** `['data', 'lines', 0, 'total']` → `data.lines[0].total`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Field issues of a zod error, each path prefixed (e.g. `data`). Unknown keys get their own path. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: joinPath(prefix, joinPath(base, key.slice(0, 50))),
          message: 'is not a known field',
        });
      }
    } else {
      issues.push({ path: joinPath(prefix, base), message: issue.message });
    }
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues.slice(0, MAX_ISSUES);
}

/** One line naming the first few problems: `data.buyer.businessId: has a wrong check digit; …`. */
export function summarize(what: string, issues: FieldIssue[]): string {
  const shown = issues
    .slice(0, SUMMARY_ISSUES)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  const more =
    issues.length > SUMMARY_ISSUES ? ` (and ${issues.length - SUMMARY_ISSUES} more)` : '';
  return `${what}: ${shown}${more}`;
}

export function invalidFromZod(what: string, error: z.ZodError, prefix = ''): InvalidMessageError {
  const issues = fieldIssues(error, prefix);
  return new InvalidMessageError(summarize(what, issues), issues);
}

/** A single-issue InvalidMessageError. */
export function invalid(path: string, message: string): InvalidMessageError {
  return new InvalidMessageError(path ? `${path}: ${message}` : message, [{ path, message }]);
}
