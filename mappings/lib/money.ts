/**
 * Money helpers registered on every mapping expression (`$dec`, `$add`, `$round`, …), on
 * decimal.js: no float ever touches an amount. Inputs are decimal strings (`"149.90"`, `"-3"`)
 * or JSON numbers, a number being read through its shortest text (`String(0.1)` is `"0.1"`).
 * Results are decimal strings with at least 2 decimals, except `$num`, `$int` and `$cmp`.
 * Nothing rounds unless asked: `$round` takes an explicit mode, `$dec` refuses a third decimal.
 * Pure: no I/O.
 */
import { Decimal } from 'decimal.js';

/** Thrown for bad input; the engine reports it with the mapping file and line. */
export class MappingHelperError extends Error {
  override readonly name = 'MappingHelperError';
}

/**
 * 130 significant digits: sums and products of two 64-character inputs are exact, and a `$div`
 * quotient is correct to its 40 decimals.
 */
const D = Decimal.clone({
  precision: 130,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -130,
  toExpPos: 130,
});
/** Decimals a `$div` quotient keeps (truncated: rounding it to fewer places stays exact). */
const DIV_PLACES = 40;
type Dec = InstanceType<typeof D>;

const STRING_DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const MAX_TEXT_LENGTH = 64;

export type RoundingMode = 'half-up' | 'half-even' | 'down';

/** `half-up` rounds a tie away from zero (commercial rounding: 0.125 → 0.13, -0.125 → -0.13). */
const ROUNDING: Readonly<Record<RoundingMode, Decimal.Rounding>> = {
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_DOWN,
};

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (a missing field?)';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Reads one decimal; `fn` and `arg` name the caller in the error. */
export function readDec(value: unknown, fn: string, arg = 1): Dec {
  let text: string | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (
    typeof value === 'string' &&
    value.length <= MAX_TEXT_LENGTH &&
    STRING_DECIMAL.test(value)
  )
    text = value;
  if (text === null) {
    throw new MappingHelperError(
      `$${fn}: argument ${arg} must be a decimal string or a number, got ${describe(value)}`,
    );
  }
  return new D(text);
}

/** Text with at least 2 decimals and no exponent: 3 → "3.00", 1.2345 → "1.2345". */
export function format(value: Dec): string {
  const v = value.isZero() ? new D(0) : value; // no "-0.00"
  return v.toFixed(Math.max(2, v.decimalPlaces()));
}

/** JSONata passes a one-item sequence as the item, and an empty one as undefined. */
function items(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `$dec(x)`: a 2-decimal string; more than 2 significant decimals is an error (use `$round`). */
export function dec(x: unknown): string {
  const d = readDec(x, 'dec');
  if (d.decimalPlaces() > 2) {
    throw new MappingHelperError(
      `$dec: ${describe(x)} has more than 2 decimals; round it explicitly with $round(x, 2, mode)`,
    );
  }
  return format(d);
}

/** `$add(a, b, …)`: exact sum of two or more decimals. */
export function add(...values: unknown[]): string {
  if (values.length < 2) throw new MappingHelperError('$add: needs at least 2 arguments');
  return format(values.reduce<Dec>((sum, v, i) => sum.plus(readDec(v, 'add', i + 1)), new D(0)));
}

/** `$sub(a, b)`: exact `a - b`. */
export function sub(a: unknown, b: unknown): string {
  return format(readDec(a, 'sub', 1).minus(readDec(b, 'sub', 2)));
}

/** `$mul(a, b)`: exact product (may have more than 2 decimals: round it). */
export function mul(a: unknown, b: unknown): string {
  return format(readDec(a, 'mul', 1).times(readDec(b, 'mul', 2)));
}

/**
 * `$div(a, b)`: the quotient truncated to 40 decimals, so `$round(…, places ≤ 38, mode)` of it is
 * the exact quotient rounded; `b = 0` is an error. Round it before use.
 */
export function div(a: unknown, b: unknown): string {
  const divisor = readDec(b, 'div', 2);
  if (divisor.isZero()) throw new MappingHelperError('$div: division by zero');
  const q = readDec(a, 'div', 1).div(divisor);
  return format(q.toDecimalPlaces(DIV_PLACES, Decimal.ROUND_DOWN));
}

/** `$round(x, places, mode)`: exactly `places` decimals, mode 'half-up' | 'half-even' | 'down'. */
export function round(x: unknown, places: unknown, mode: unknown): string {
  if (typeof places !== 'number' || !Number.isInteger(places) || places < 0 || places > 20) {
    throw new MappingHelperError(`$round: places must be an integer 0–20, got ${describe(places)}`);
  }
  if (typeof mode !== 'string' || !(mode in ROUNDING)) {
    throw new MappingHelperError(
      `$round: mode must be 'half-up', 'half-even' or 'down', got ${describe(mode)}`,
    );
  }
  const text = readDec(x, 'round').toFixed(places, ROUNDING[mode as RoundingMode]);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** `$sumDec(array)`: exact sum; an empty array or a missing field sums to "0.00". */
export function sumDec(values: unknown): string {
  return format(
    items(values).reduce<Dec>((sum, v, i) => sum.plus(readDec(v, 'sumDec', i + 1)), new D(0)),
  );
}

/** `$num(x)`: the JSON number for the wire, only when it is exactly `x` (Number("149.90")). */
export function num(x: unknown): number {
  const d = readDec(x, 'num');
  const n = Number(d.toString());
  if (!Number.isFinite(n) || !new D(String(n)).eq(d)) {
    throw new MappingHelperError(
      `$num: ${describe(x)} is not exactly representable as a JSON number; round it first`,
    );
  }
  return n === 0 ? 0 : n; // no -0 on the wire
}

/** `$int(x)`: a digits string (or a safe integer) → integer; no sign, no leading zero. */
export function int(x: unknown): number {
  const text = typeof x === 'number' ? String(x) : x;
  if (
    typeof text !== 'string' ||
    !/^(0|[1-9]\d*)$/.test(text) ||
    !Number.isSafeInteger(Number(text))
  ) {
    throw new MappingHelperError(
      `$int: ${describe(x)} must be digits only (no sign, no leading zero) and at most ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return Number(text);
}

/** `$cmp(a, b)`: -1, 0 or 1. */
export function cmp(a: unknown, b: unknown): number {
  return readDec(a, 'cmp', 1).comparedTo(readDec(b, 'cmp', 2));
}

/** The money helpers by their JSONata names (without `$`). */
export const MONEY_FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  dec: (x) => dec(x),
  add: (...v) => add(...v),
  sub: (a, b) => sub(a, b),
  mul: (a, b) => mul(a, b),
  div: (a, b) => div(a, b),
  round: (x, p, m) => round(x, p, m),
  sumDec: (v) => sumDec(v),
  num: (x) => num(x),
  int: (x) => int(x),
  cmp: (a, b) => cmp(a, b),
};
