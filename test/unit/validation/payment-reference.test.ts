import { describe, expect, it } from 'vitest';
import {
  isValidNationalReference,
  isValidPaymentReference,
  isValidRfReference,
  nationalReferenceCheckDigit,
  rfReferenceFor,
} from '../../../connector/validation/payment-reference.ts';

describe('Finnish national reference', () => {
  it.each(['1232', '12344', '1009', '2001175', '1002353', '1234567897', '0001232'])(
    'accepts %s',
    (ref) => {
      expect(isValidNationalReference(ref)).toBe(true);
    },
  );

  it('computes check digits with weights 7, 3, 1 from the right', () => {
    expect(nationalReferenceCheckDigit('123')).toBe(2);
    expect(nationalReferenceCheckDigit('1234')).toBe(4);
    expect(nationalReferenceCheckDigit('100')).toBe(9);
    expect(nationalReferenceCheckDigit('12')).toBeNull(); // base too short
  });

  it('ignores spaces', () => {
    expect(isValidNationalReference('12 344')).toBe(true);
    expect(isValidPaymentReference(' 1232 ')).toBe(true);
  });

  it.each(['1233', '123', '123456789012345678901', '12a4', '', '    '])('rejects %j', (ref) => {
    expect(isValidNationalReference(ref)).toBe(false);
  });

  it('accepts 20 digits, rejects 21', () => {
    const base19 = '1234567890123456789';
    const ref = `${base19}${nationalReferenceCheckDigit(base19)}`;
    expect(ref).toHaveLength(20);
    expect(isValidNationalReference(ref)).toBe(true);
    expect(isValidNationalReference(`1${ref}`)).toBe(false);
  });
});

describe('RF creditor reference (ISO 11649)', () => {
  it('accepts the published example RF18 5390 0754 7034', () => {
    expect(isValidRfReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidRfReference('RF18539007547034')).toBe(true);
    expect(isValidPaymentReference('RF18 5390 0754 7034')).toBe(true);
  });

  it('RF18 1000 2340 (the contract’s sample) fails its check digits; RF53 1000 2340 is right', () => {
    expect(isValidRfReference('RF18 1000 2340')).toBe(false);
    expect(rfReferenceFor('10002340')).toBe('RF5310002340');
    expect(isValidRfReference('RF53 1000 2340')).toBe(true);
  });

  it('builds and accepts references with letters', () => {
    const ref = rfReferenceFor('ABC123XYZ');
    expect(ref).toMatch(/^RF\d{2}ABC123XYZ$/);
    expect(isValidRfReference(ref)).toBe(true);
  });

  it.each([
    ['RF19 5390 0754 7034', 'wrong check digits'],
    ['rf18 5390 0754 7034', 'lower case'],
    ['RF18', 'no body'],
    ['RF18 5390 0754 7034 1234 5678 9012 3', 'body longer than 21'],
    ['RF18-5390-0754-7034', 'hyphens'],
    ['RF01 0', 'check digits 01'],
  ])('rejects %s (%s)', (ref) => {
    expect(isValidRfReference(ref)).toBe(false);
    expect(isValidPaymentReference(ref)).toBe(false);
  });
});
