/**
 * Readers for Atomia's serialized values: .NET DateTime text (`2026-11-23T00:00:00`, with or
 * without an offset; the calendar date as written is the date Atomia means), decimals that
 * arrive as JSON numbers (read exactly, never through float arithmetic), currency given as a
 * code or as `{ Code }`, and invoice custom attributes.
 */
import { z } from 'zod';
import { isExistingDate } from '../../../connector/validation/dates.ts';
import { readDecimal, type ExactDecimal } from '../../../connector/validation/exact-decimal.ts';

const DOTNET_DATE =
  /^(\d{4}-\d{2}-\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** An Atomia DateTime (or date) → `YYYY-MM-DD`. */
export const atomiaDate = z
  .string({
    error: (iss) => (iss.input === undefined ? 'is required' : 'must be a date or DateTime string'),
  })
  .max(40, 'must be a date or DateTime string')
  .transform((value, ctx) => {
    const m = DOTNET_DATE.exec(value);
    const day = m?.[1];
    if (!day || !isExistingDate(day)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a date that exists (YYYY-MM-DD or .NET DateTime text)',
      });
      return z.NEVER;
    }
    return day;
  });

/** An Atomia decimal (JSON number or decimal string) → exact decimal. */
export const atomiaDecimal = z
  .union([z.string().max(64), z.number()], {
    error: (iss) => (iss.input === undefined ? 'is required' : 'must be a number'),
  })
  .transform((value, ctx): ExactDecimal => {
    const read = readDecimal(value);
    if (!read.ok) {
      ctx.addIssue({ code: 'custom', message: read.message });
      return z.NEVER;
    }
    return read.value;
  });

/** `"EUR"` or `{ "Code": "EUR" }` → `"EUR"` (validated later by the contract). */
export const atomiaCurrency = z
  .union([z.string().max(10), z.object({ Code: z.string().max(10) })], {
    error: (iss) =>
      iss.input === undefined ? 'is required' : 'must be a currency code or { Code }',
  })
  .transform((value) => (typeof value === 'string' ? value : value.Code).trim().toUpperCase());

/** An Atomia string field: trimmed; empty or whitespace becomes null. */
export function atomiaText(max: number) {
  return z
    .string({ error: 'must be a string or null' })
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((value) => {
      const trimmed = value?.trim();
      return trimmed ? trimmed : null;
    });
}

/** Atomia numbers are strings or numbers; invoice numbers keep their text for the contract check. */
export const atomiaNumberText = z
  .union([z.string().max(32), z.number()], {
    error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string or a number'),
  })
  .transform((value) =>
    typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : 'x') : value.trim(),
  );

export const customAttributes = z
  .array(
    z.object({
      Name: z.string().max(100),
      Value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]).optional(),
    }),
  )
  .max(200)
  .nullish();

export type CustomAttributes = z.output<typeof customAttributes>;

/** The value of a custom attribute by name, as text (null when absent or empty). */
export function attribute(attributes: CustomAttributes, name: string): string | null {
  const found = attributes?.find((a) => a.Name === name);
  if (!found || found.Value === null || found.Value === undefined) return null;
  const text = String(found.Value).trim();
  return text ? text : null;
}
