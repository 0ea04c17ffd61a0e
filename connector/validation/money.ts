/**
 * Money: a decimal string or a JS number with at most 2 decimals (extra decimals are accepted
 * only when they are zeros: "149.900" is 149.90), held as integer cents (bigint) and written
 * as "149.90". Amounts are limited to ±999 999 999 999.99 so that they stay exact when the
 * agency client writes them as JSON numbers.
 */
import { InvalidMessageError } from '../errors.ts';
import {
  formatDecimal,
  normalize,
  readDecimal,
  rescaleUp,
  type ExactDecimal,
} from './exact-decimal.ts';

export const MAX_MONEY_CENTS = 99_999_999_999_999n;

export type MoneyResult = { ok: true; cents: bigint } | { ok: false; message: string };

/** Reads money into cents, or says why it cannot. Never throws. */
export function readMoney(value: unknown): MoneyResult {
  const read = readDecimal(value);
  if (!read.ok) return { ok: false, message: `${read.message}` };
  const d = normalize(read.value);
  if (d.scale > 2) return { ok: false, message: 'has more than 2 decimals' };
  const cents = rescaleUp(d, 2).units;
  if (cents > MAX_MONEY_CENTS || cents < -MAX_MONEY_CENTS)
    return { ok: false, message: 'is out of range' };
  return { ok: true, cents };
}

/** Cents from money; throws InvalidMessageError (path '') when it is not money. */
export function parseMoney(value: unknown): bigint {
  const result = readMoney(value);
  if (!result.ok)
    throw new InvalidMessageError(`amount ${result.message}`, [
      { path: '', message: result.message },
    ]);
  return result.cents;
}

/** 14990n → "149.90", -5n → "-0.05". */
export function formatCents(cents: bigint): string {
  return formatDecimal({ units: cents, scale: 2 } satisfies ExactDecimal, 2);
}

/** Normalises money to its 2-decimal text: "149.9" → "149.90", 149.9 → "149.90". */
export function normalizeMoney(value: unknown): string {
  return formatCents(parseMoney(value));
}
