/**
 * Finnish business ID (Y-tunnus), `1234567-8`: seven digits, a hyphen and a mod-11 check digit
 * (weights 7, 9, 10, 5, 8, 4, 2). A remainder of 1 gives no valid check digit; 0 gives 0;
 * otherwise the digit is 11 − remainder. Only the canonical form is accepted (no spaces, no
 * 6-digit form without its leading zero).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2] as const;
const FORMAT = /^(\d{7})-(\d)$/;

/** The check digit for seven digits, or null when no check digit exists (remainder 1). */
export function businessIdCheckDigit(sevenDigits: string): number | null {
  if (!/^\d{7}$/.test(sevenDigits)) return null;
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(sevenDigits[i]) * (WEIGHTS[i] ?? 0);
  const remainder = sum % 11;
  if (remainder === 1) return null;
  return remainder === 0 ? 0 : 11 - remainder;
}

export function isValidBusinessId(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = FORMAT.exec(value);
  if (!match) return false;
  const check = businessIdCheckDigit(match[1] ?? '');
  return check !== null && check === Number(match[2]);
}
