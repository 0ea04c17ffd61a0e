/**
 * The agency's field rules (spec §4) as zod 4 schemas, shared by the request schema
 * (`request-schema.ts`). Pure: no I/O, no framework.
 */
import { z } from 'zod';
import { COUNTRY_CODES, CURRENCY_CODES, LANGUAGE_ALIASES, LANGUAGE_CODES } from './iso-codes.ts';

/** W3C HTML "valid e-mail address" pattern (spec §4: "W3C-style email regexp"). */
export const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is `YYYY-MM-DD` and that day exists in the Gregorian calendar. */
export function isIsoDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** True when a finite number is written with at most two decimals (as JSON would print it). */
export function hasAtMostTwoDecimals(value: number): boolean {
  return Number.isFinite(value) && /^-?\d+(\.\d{1,2})?$/.test(String(value));
}

/** Postal code formats checked per country; other countries only need a non-empty code. */
const POSTAL_CODE_PATTERNS: Readonly<Record<string, RegExp>> = {
  FI: /^\d{5}$/,
  EE: /^\d{5}$/,
  DE: /^\d{5}$/,
  SE: /^\d{3} ?\d{2}$/,
  NO: /^\d{4}$/,
  DK: /^\d{4}$/,
};

/** Null when `postalCode` fits `countryCode`, else the problem. */
export function postalCodeProblem(postalCode: string, countryCode: string): string | null {
  const pattern = POSTAL_CODE_PATTERNS[countryCode];
  if (pattern === undefined || pattern.test(postalCode)) return null;
  return `postal code does not match the format of country ${countryCode}`;
}

export const isoDate = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD that exists');

export const money = z
  .number()
  .refine(hasAtMostTwoDecimals, 'must be a number with at most 2 decimals');

export const currencyCode = z
  .string()
  .refine((v) => CURRENCY_CODES.has(v), 'must be an ISO 4217 currency code (3 upper-case letters)');

export const countryCode = z
  .string()
  .refine((v) => COUNTRY_CODES.has(v), 'must be an ISO 3166-1 alpha-2 country code (upper case)');

/** ISO 639-1, either case (the documentation writes them upper case). */
export const languageCode = z
  .string()
  .refine(
    (v) =>
      /^[A-Za-z]{2}$/.test(v) &&
      (LANGUAGE_CODES.has(v.toLowerCase()) || LANGUAGE_ALIASES.has(v.toLowerCase())),
    'must be an ISO 639-1 language code (2 letters)',
  );

export const email = z
  .string()
  .refine((v) => EMAIL_PATTERN.test(v), 'must be a valid email address');

/** A positive safe integer: invoice numbers, case ids. */
export const positiveId = z
  .number()
  .refine((v) => Number.isSafeInteger(v) && v > 0, 'must be a positive integer');

export const nonEmpty = z.string().refine((v) => v.trim() !== '', 'must not be empty');

/** Optional, nullable version of a schema (`?: T | null` in types.ts). */
export function opt<T extends z.ZodType>(schema: T): z.ZodOptional<z.ZodNullable<T>> {
  return schema.nullable().optional();
}
