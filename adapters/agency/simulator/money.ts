/**
 * Money in integer cents inside the simulator; numbers with exactly two decimals on the wire
 * (`JSON.rawJSON`, so `900` is written as `900.00`, as in the spec's examples).
 */

/** Cents of a wire amount (number or decimal string with at most 2 decimals). */
export function toCents(amount: number | string): number {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new RangeError(`not an amount with at most 2 decimals: ${text}`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** `12345` → `"123.45"`. */
export function centsText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

interface JsonWithRaw {
  rawJSON(text: string): unknown;
}

/** A JSON value that `JSON.stringify` writes as a number with two decimals. */
export function moneyJson(cents: number): unknown {
  return (JSON as unknown as JsonWithRaw).rawJSON(centsText(cents));
}
