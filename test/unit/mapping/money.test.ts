import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  cmp,
  dec,
  div,
  int,
  mul,
  num,
  round,
  sub,
  sumDec,
} from '../../../mappings/lib/money.ts';

describe('money helpers', () => {
  it('adds without float drift', () => {
    expect(add('0.1', '0.2')).toBe('0.30');
    expect(add(0.1, 0.2)).toBe('0.30');
    expect(add('149.90', '0.10', '-50')).toBe('100.00');
    expect(sub('0.30', '0.1')).toBe('0.20');
    expect(sub('1', '1.00')).toBe('0.00');
  });

  it('normalises to 2 decimals and refuses a silent third one', () => {
    expect(dec('149.9')).toBe('149.90');
    expect(dec(149.9)).toBe('149.90');
    expect(dec('7')).toBe('7.00');
    expect(dec('1.500')).toBe('1.50');
    expect(dec('-0')).toBe('0.00');
    expect(() => dec('1.005')).toThrow(/more than 2 decimals.*\$round/);
  });

  it('rounds with an explicit mode', () => {
    expect(round('0.125', 2, 'half-up')).toBe('0.13');
    expect(round('-0.125', 2, 'half-up')).toBe('-0.13');
    expect(round('0.125', 2, 'half-even')).toBe('0.12');
    expect(round('0.135', 2, 'half-even')).toBe('0.14');
    expect(round('0.129', 2, 'down')).toBe('0.12');
    expect(round('-0.129', 2, 'down')).toBe('-0.12');
    expect(round('-0.001', 2, 'half-up')).toBe('0.00');
    expect(round('2.5', 0, 'half-even')).toBe('2');
    expect(() => round('1', 2, 'up')).toThrow(/mode must be/);
    expect(() => round('1', 2, undefined)).toThrow(/mode must be/);
    expect(() => round('1', 1.5, 'down')).toThrow(/places/);
  });

  it('multiplies and divides exactly, leaving rounding to the caller', () => {
    expect(mul('119.52', '1.255')).toBe('149.9976');
    expect(mul('0.1', '3')).toBe('0.30');
    expect(div('1', '3')).toBe('0.' + '3'.repeat(40));
    expect(round(div('150.00', '3'), 2, 'half-up')).toBe('50.00');
    // VAT out of a gross total: 150 × 25.5 / 125.5 = 30.478…
    expect(round(div(mul('150.00', '25.5'), add(100, '25.5')), 2, 'half-up')).toBe('30.48');
    expect(() => div('1', '0.00')).toThrow(/division by zero/);
  });

  it('keeps big numbers exact', () => {
    expect(add('9007199254740993.01', '0.01')).toBe('9007199254740993.02');
    expect(mul('123456789012345678901234567890.12', '10')).toBe(
      '1234567890123456789012345678901.20',
    );
    expect(sumDec(['99999999999999.99', '0.01'])).toBe('100000000000000.00');
  });

  it('sums arrays, single values (JSONata singletons) and nothing', () => {
    expect(sumDec(['1.10', '2.20', 3.3])).toBe('6.60');
    expect(sumDec('5')).toBe('5.00');
    expect(sumDec(undefined)).toBe('0.00');
    expect(sumDec([])).toBe('0.00');
  });

  it('turns decimals into exact JSON numbers for the wire', () => {
    expect(num('149.90')).toBe(149.9);
    expect(num('-6.28')).toBe(-6.28);
    expect(num('-0.00')).toBe(0);
    expect(Object.is(num('-0.00'), -0)).toBe(false);
    expect(() => num(div('1', '3'))).toThrow(/not exactly representable/);
    expect(() => num('9007199254740993')).toThrow(/not exactly representable/);
  });

  it('reads invoice numbers and case ids as safe integers', () => {
    expect(int('100234')).toBe(100234);
    expect(int(481920)).toBe(481920);
    expect(int('0')).toBe(0);
    expect(() => int('00123')).toThrow(/digits only/);
    expect(() => int('12a')).toThrow(/digits only/);
    expect(() => int('-5')).toThrow(/digits only/);
    expect(() => int('9007199254740993')).toThrow(/at most 9007199254740991/);
    expect(() => int(null)).toThrow(/\$int/);
  });

  it('compares', () => {
    expect(cmp('150.00', '150')).toBe(0);
    expect(cmp('0.1', '0.2')).toBe(-1);
    expect(cmp(2, '1.99')).toBe(1);
  });

  it('rejects what is not a decimal, naming the helper and the argument', () => {
    expect(() => add('1', undefined)).toThrow(
      '$add: argument 2 must be a decimal string or a number, got nothing',
    );
    expect(() => add('1,5', '1')).toThrow(/\$add: argument 1/);
    expect(() => sub('1e3', '1')).toThrow(/\$sub: argument 1/);
    expect(() => dec(' 1.00')).toThrow(/\$dec/);
    expect(() => dec(Number.NaN)).toThrow(/\$dec/);
    expect(() => dec(true)).toThrow(/\$dec/);
    expect(() => dec({ amount: 1 })).toThrow(/\$dec/);
    expect(() => add('1')).toThrow(/at least 2 arguments/);
  });
});

describe('$add property', () => {
  const cents = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
  const asText = (c: bigint): string => {
    const sign = c < 0n ? '-' : '';
    const abs = c < 0n ? -c : c;
    return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  };

  it('agrees with exact integer-cents arithmetic', () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        expect(add(asText(a), asText(b))).toBe(asText(a + b));
        expect(sub(asText(a), asText(b))).toBe(asText(a - b));
      }),
    );
  });

  it('agrees with cents for numbers with up to 2 decimals', () => {
    const small = fc.integer({ min: -1_000_000_00, max: 1_000_000_00 });
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(add(a / 100, b / 100)).toBe(asText(BigInt(a) + BigInt(b)));
      }),
    );
  });
});
