/**
 * Field schemas shared by the contract's event schemas: bounded strings, money, decimals,
 * invoice numbers, dates, currencies and Finnish identifiers. Every string has a `max()`.
 * Money and decimals accept a string or a JSON number and come out as normalised strings.
 */
import { z } from 'zod';
import { isExistingDate, isRfc3339Timestamp } from '../validation/dates.ts';
import { formatDecimal, normalize, readDecimal } from '../validation/exact-decimal.ts';
import { isValidBusinessId } from '../validation/finnish-business-id.ts';
import { isValidPersonalId } from '../validation/finnish-personal-id.ts';
import { formatCents, readMoney } from '../validation/money.ts';
import { isValidPaymentReference } from '../validation/payment-reference.ts';

type Expected = (issue: { input?: unknown }) => string;
/** A zod error function: "is required" for a missing value, "must be <what>" otherwise. */
const expect =
  (what: string): Expected =>
  (issue) =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

/** A required non-empty string of at most `max` characters. */
export function text(max: number) {
  return z
    .string({ error: expect('a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** An optional string (absent, null or text of at most `max` characters). */
export function optionalText(max: number) {
  return z
    .string({ error: expect('a string or null') })
    .max(max, `must be at most ${max} characters`)
    .nullish();
}

const moneyInput = z.union([z.string().max(64), z.number()], {
  error: expect('money: a decimal string or a number with at most 2 decimals, like "149.90"'),
});

/** Money in, a 2-decimal string out ("149.9" and 149.9 → "149.90"). `sign` restricts it. */
export function money(sign: 'any' | 'positive' | 'non-negative' = 'any') {
  return moneyInput.transform((value, ctx) => {
    const read = readMoney(value);
    if (!read.ok) {
      ctx.addIssue({ code: 'custom', message: read.message });
      return z.NEVER;
    }
    if (sign === 'positive' && read.cents <= 0n) {
      ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
      return z.NEVER;
    }
    if (sign === 'non-negative' && read.cents < 0n) {
      ctx.addIssue({ code: 'custom', message: 'must not be negative' });
      return z.NEVER;
    }
    return formatCents(read.cents);
  });
}

/**
 * A decimal (quantity, unit price, VAT rate) with at most `maxScale` decimals, within
 * [min, max]; out as minimal text with at least `minScale` decimals.
 */
export function decimal(options: {
  maxScale: number;
  minScale?: number;
  min?: number;
  max?: number;
}) {
  return z
    .union([z.string().max(64), z.number()], { error: expect('a decimal string or a number') })
    .transform((value, ctx) => {
      const read = readDecimal(value);
      if (!read.ok) {
        ctx.addIssue({ code: 'custom', message: read.message });
        return z.NEVER;
      }
      const d = normalize(read.value);
      if (d.scale > options.maxScale) {
        ctx.addIssue({ code: 'custom', message: `has more than ${options.maxScale} decimals` });
        return z.NEVER;
      }
      const out = formatDecimal(d, options.minScale ?? 0);
      // Range checks on the exact text: compare through Number is safe at these magnitudes.
      const n = Number(out);
      if (options.min !== undefined && n < options.min) {
        ctx.addIssue({ code: 'custom', message: `must be at least ${options.min}` });
        return z.NEVER;
      }
      if (options.max !== undefined && n > options.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${options.max}` });
        return z.NEVER;
      }
      return out;
    });
}

const INVOICE_NUMBER = /^[1-9]\d{0,15}$/;

/**
 * An ERP invoice number: digits only, no leading zero, at most Number.MAX_SAFE_INTEGER (the
 * agency keeps invoice numbers as integers). A JSON integer is accepted and becomes a string.
 */
export const invoiceNumber = z
  .union([z.string().max(32), z.number()], {
    error: expect('an invoice number (a string of digits)'),
  })
  .transform((value, ctx) => {
    const asText =
      typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value;
    if (!INVOICE_NUMBER.test(asText) || !Number.isSafeInteger(Number(asText))) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be digits only, without leading zeros, at most 9007199254740991 (the agency needs an integer)',
      });
      return z.NEVER;
    }
    return asText;
  });

export const date = z
  .string({ error: expect('a date, YYYY-MM-DD') })
  .max(10, 'must be a date, YYYY-MM-DD')
  .refine(isExistingDate, 'must be a date that exists, YYYY-MM-DD');

export const timestamp = z
  .string({ error: expect('an RFC 3339 timestamp') })
  .max(40, 'must be an RFC 3339 timestamp')
  .refine(
    isRfc3339Timestamp,
    'must be an RFC 3339 timestamp with a time zone, like 2026-11-23T10:00:00Z',
  );

export const currency = z
  .string({ error: expect('a currency code') })
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code like "EUR"');

export const countryCode = z
  .string({ error: expect('a country code') })
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code like "FI"');

export const languageCode = z
  .string({ error: expect('a language code') })
  .regex(/^[A-Z]{2}$/, 'must be an ISO 639-1 language code in upper case, like "FI"');

export const businessId = z
  .string({ error: expect('a Finnish business ID') })
  .max(9, 'must be a Finnish business ID like 1234567-8')
  .refine(
    isValidBusinessId,
    'must be a valid Finnish business ID (1234567-8, with its check digit)',
  );

export const personalId = z
  .string({ error: expect('a Finnish personal identity code') })
  .max(11, 'must be a Finnish personal identity code like 131052-308T')
  .refine(
    isValidPersonalId,
    'must be a valid Finnish personal identity code (date, individual number and check character)',
  );

export const paymentReference = z
  .string({ error: expect('a payment reference') })
  .max(40, 'must be at most 40 characters')
  .refine(
    isValidPaymentReference,
    'must be a valid Finnish national or RF creditor reference (check digits)',
  );

export const email = z
  .string({ error: expect('an e-mail address') })
  .max(254, 'must be at most 254 characters')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address');

/** True when the text has no C0 control characters and no DEL. */
export function hasNoControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
