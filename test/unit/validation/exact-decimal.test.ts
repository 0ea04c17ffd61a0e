import { describe, expect, it } from 'vitest';
import {
  formatDecimal,
  multiply,
  readDecimal,
  roundHalfAwayFromZero,
  subtract,
  type ExactDecimal,
} from '../../../connector/validation/exact-decimal.ts';

function d(value: string | number): ExactDecimal {
  const r = readDecimal(value);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('exact decimals', () => {
  it('reads numbers through their shortest text, exponents included', () => {
    expect(formatDecimal(d(0.1))).toBe('0.1');
    expect(formatDecimal(d(1e-7))).toBe('0.0000001');
    expect(formatDecimal(d(1.5e21))).toBe('1500000000000000000000');
    expect(formatDecimal(d('149.9000'), 2)).toBe('149.90');
  });

  it('refuses exponents in strings and absurd sizes', () => {
    expect(readDecimal('1e5').ok).toBe(false);
    expect(readDecimal('1'.repeat(65)).ok).toBe(false);
    expect(readDecimal(`0.${'0'.repeat(50)}1`).ok).toBe(false);
  });

  it('multiplies exactly: 3 × 2.2 − 1.25 = 5.35', () => {
    expect(formatDecimal(subtract(multiply(d(3), d(2.2)), d(1.25)))).toBe('5.35');
  });

  it.each([
    ['2.345', '2.35'],
    ['2.344', '2.34'],
    ['-2.345', '-2.35'],
    ['-2.344', '-2.34'],
    ['0.005', '0.01'],
    ['-0.005', '-0.01'],
    ['7.6245', '7.62'],
    ['1', '1.00'],
  ])('rounds %s half away from zero to %s', (input, out) => {
    expect(formatDecimal(roundHalfAwayFromZero(d(input), 2), 2)).toBe(out);
  });
});
