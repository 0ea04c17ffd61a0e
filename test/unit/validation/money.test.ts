import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../connector/errors.ts';
import {
  formatCents,
  MAX_MONEY_CENTS,
  normalizeMoney,
  parseMoney,
  readMoney,
} from '../../../connector/validation/money.ts';

describe('money', () => {
  it.each([
    ['149.90', 14990n],
    ['149.9', 14990n],
    [149.9, 14990n],
    [0.1, 10n],
    [0.07, 7n],
    ['0', 0n],
    [0, 0n],
    ['-5.05', -505n],
    [-0.05, -5n],
    ['149.900', 14990n],
    ['007.50', 750n],
    [1e-7 * 0, 0n],
  ])('reads %j as %s cents', (input, cents) => {
    expect(parseMoney(input)).toBe(cents);
  });

  it('never goes through float arithmetic: 0.1 + 0.2 style values stay exact', () => {
    expect(parseMoney(1.15)).toBe(115n); // 1.15 * 100 = 114.99999999999999 in floats
    expect(parseMoney(4.35)).toBe(435n); // 434.99999999999994
    expect(parseMoney(1.005 * 0 + 10.07)).toBe(1007n); // 1006.9999999999999
  });

  it.each([
    ['149.999', 'has more than 2 decimals'],
    [149.999, 'has more than 2 decimals'],
    [1e-7, 'has more than 2 decimals'],
    ['1,50', 'must be a decimal number'],
    ['1e2', 'must be a decimal number'],
    ['+1.00', 'must be a decimal number'],
    ['.5', 'must be a decimal number'],
    ['5.', 'must be a decimal number'],
    ['', 'must be a decimal number'],
    [' 1.00', 'must be a decimal number'],
    [Number.NaN, 'must be a finite number'],
    [Infinity, 'must be a finite number'],
    [1e21, 'is out of range'],
    ['1000000000000.00', 'is out of range'],
    [true, 'must be a decimal string or a number'],
    [null, 'must be a decimal string or a number'],
  ])('rejects %j (%s)', (input, message) => {
    const result = readMoney(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
    expect(() => parseMoney(input)).toThrow(InvalidMessageError);
  });

  it('accepts the largest amount and formats it', () => {
    expect(parseMoney('999999999999.99')).toBe(MAX_MONEY_CENTS);
    expect(formatCents(MAX_MONEY_CENTS)).toBe('999999999999.99');
  });

  it.each([
    [14990n, '149.90'],
    [5n, '0.05'],
    [-5n, '-0.05'],
    [0n, '0.00'],
    [-100n, '-1.00'],
  ])('formats %s cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('normalises to 2 decimals', () => {
    expect(normalizeMoney('149.9')).toBe('149.90');
    expect(normalizeMoney(149.9)).toBe('149.90');
    expect(normalizeMoney('-0')).toBe('0.00');
  });
});
