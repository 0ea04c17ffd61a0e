/**
 * Lenient value readers for agency answers (zod 4): ids as integer or string → string, amounts as
 * number or string → 2-decimal string (decimal arithmetic, no float drift), dates with or without
 * a time part. Unknown fields are dropped by the object schemas that use these.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';

const AMOUNT_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `1240.5` → `"1240.50"`, `"0.30000000000000004"` → `"0.30"`; null when not a number. */
export function toMoneyString(value: string | number): string | null {
  const text =
    typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!AMOUNT_PATTERN.test(text)) return null;
  const fixed = new Decimal(text).toFixed(2, Decimal.ROUND_HALF_UP);
  return fixed === '-0.00' ? '0.00' : fixed;
}

const scalar = z.union([z.string(), z.number()]);

export const money = scalar.transform((value, ctx) => {
  const out = toMoneyString(value);
  if (out === null) {
    ctx.addIssue({ code: 'custom', message: 'not an amount' });
    return z.NEVER;
  }
  return out;
});

export const moneyOrNull = z
  .union([scalar, z.null()])
  .optional()
  .transform((value, ctx) => {
    if (value === null || value === undefined || value === '') return null;
    const out = toMoneyString(value);
    if (out === null) {
      ctx.addIssue({ code: 'custom', message: 'not an amount' });
      return z.NEVER;
    }
    return out;
  });

export const id = scalar.transform((value, ctx) => {
  const out = String(value).trim();
  if (out === '') {
    ctx.addIssue({ code: 'custom', message: 'empty id' });
    return z.NEVER;
  }
  return out;
});

export const idOrNull = z
  .union([scalar, z.null()])
  .optional()
  .transform((value) => {
    if (value === null || value === undefined) return null;
    const out = String(value).trim();
    return out === '' ? null : out;
  });

export const text = scalar.transform((value) => String(value));
export const textOrNull = z
  .union([scalar, z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined ? null : String(value)));

/** `2026-03-28T00:00:00Z` → `2026-03-28`; other text unchanged. */
export function dateOnly(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match?.[1] ?? value;
}

export const date = z.string().min(1).transform(dateOnly);
export const dateOrNull = z
  .string()
  .nullish()
  .transform((value) => (value ? dateOnly(value) : null));

export const count = scalar.transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: 'not a count' });
    return z.NEVER;
  }
  return n;
});

export const flag = z
  .union([z.boolean(), z.literal('true'), z.literal('false')])
  .transform((v) => v === true || v === 'true');

/** Short, value-free description of what did not match (paths and zod messages only). */
export function describeIssues(error: z.ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return `${path}: ${issue.message}`;
  });
  if (error.issues.length > max) parts.push(`… ${error.issues.length - max} more`);
  return parts.join('; ');
}
