/**
 * Exact decimals as `units / 10^scale` with bigint units: no float ever touches an amount. A JS
 * number is read through its shortest round-trip text (`String(n)`), so `149.9` is exactly
 * 149.9, never 149.900000000000005684…
 */

export interface ExactDecimal {
  units: bigint;
  scale: number;
}

export type DecimalResult = { ok: true; value: ExactDecimal } | { ok: false; message: string };

const TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?$/;
const MAX_TEXT_LENGTH = 64;
const MAX_SCALE = 40;
const MAX_INTEGER_DIGITS = 40;

function fail(message: string): DecimalResult {
  return { ok: false, message };
}

/**
 * Reads a decimal from a string (`"149.90"`, `"-3"`) or a finite JS number. Strings take plain
 * decimal notation only; a number's own text may use an exponent (`1e-7`), which is read exactly.
 */
export function readDecimal(value: unknown): DecimalResult {
  let text: string;
  let fromNumber = false;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail('must be a finite number');
    text = String(value);
    fromNumber = true;
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return fail('must be a decimal string or a number');
  }
  if (text.length === 0 || text.length > MAX_TEXT_LENGTH) return fail('must be a decimal number');
  const m = TEXT.exec(text);
  if (!m || (!fromNumber && m[4] !== undefined)) {
    return fail('must be a decimal number like "149.90" (digits, optional "-" and "." only)');
  }
  const [, sign = '', intPart = '', fracPart = '', expText] = m;
  const exponent = expText === undefined ? 0 : Number(expText);
  let units = BigInt(intPart + fracPart);
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE || units.toString().length - scale > MAX_INTEGER_DIGITS) {
    return fail('is out of range');
  }
  return { ok: true, value: { units: sign === '-' ? -units : units, scale } };
}

/** Removes trailing fractional zeros: 1.500 → 1.5, 2.00 → 2. */
export function normalize(d: ExactDecimal): ExactDecimal {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return { units, scale };
}

/** The same value at a larger scale (exact). */
export function rescaleUp(d: ExactDecimal, scale: number): ExactDecimal {
  if (scale <= d.scale) return d;
  return { units: d.units * 10n ** BigInt(scale - d.scale), scale };
}

/** Rounds to `scale` decimals, half away from zero. */
export function roundHalfAwayFromZero(d: ExactDecimal, scale: number): ExactDecimal {
  if (d.scale <= scale) return rescaleUp(d, scale);
  const divisor = 10n ** BigInt(d.scale - scale);
  const negative = d.units < 0n;
  const abs = negative ? -d.units : d.units;
  let q = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) q += 1n;
  return { units: negative ? -q : q, scale };
}

export function add(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescaleUp(a, scale).units + rescaleUp(b, scale).units, scale };
}

export function subtract(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function multiply(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function compare(a: ExactDecimal, b: ExactDecimal): number {
  const diff = subtract(a, b).units;
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** Plain decimal text with at least `minScale` decimals: (14990, 2) → "149.90". */
export function formatDecimal(d: ExactDecimal, minScale = 0): string {
  const { units, scale } = rescaleUp(normalize(d), minScale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${intPart}${fracPart}`;
}
