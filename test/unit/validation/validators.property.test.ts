import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { isExistingDate, isRfc3339Timestamp } from '../../../connector/validation/dates.ts';
import { readDecimal } from '../../../connector/validation/exact-decimal.ts';
import {
  businessIdCheckDigit,
  isValidBusinessId,
} from '../../../connector/validation/finnish-business-id.ts';
import {
  isValidPersonalId,
  personalIdCheckChar,
} from '../../../connector/validation/finnish-personal-id.ts';
import { formatCents, parseMoney, readMoney } from '../../../connector/validation/money.ts';
import {
  isValidNationalReference,
  isValidPaymentReference,
  isValidRfReference,
  nationalReferenceCheckDigit,
  rfReferenceFor,
} from '../../../connector/validation/payment-reference.ts';

const anything = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.bigInt(),
);

describe('validators never throw on arbitrary input', () => {
  it('boolean validators return booleans', () => {
    const validators = [
      isValidBusinessId,
      isValidPersonalId,
      isValidNationalReference,
      isValidRfReference,
      isValidPaymentReference,
      isExistingDate,
      isRfc3339Timestamp,
    ];
    fc.assert(
      fc.property(anything, (value) => {
        for (const v of validators) expect(typeof v(value)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('money throws only InvalidMessageError; readers never throw', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(typeof readMoney(value).ok).toBe('boolean');
        expect(typeof readDecimal(value).ok).toBe('boolean');
        try {
          parseMoney(value);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidMessageError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('validator properties', () => {
  it('money round-trips: any cents → text → same cents, and 2-decimal numbers read exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -99_999_999_999_999n, max: 99_999_999_999_999n }), (cents) => {
        expect(parseMoney(formatCents(cents))).toBe(cents);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (cents) => {
        // the JS number closest to cents/100 must read back as exactly those cents
        expect(parseMoney(cents / 100)).toBe(BigInt(cents));
      }),
      { numRuns: 2000 },
    );
  });

  it('a generated business ID is valid, and changing its check digit makes it invalid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), fc.integer({ min: 1, max: 9 }), (body, shift) => {
        const check = businessIdCheckDigit(body);
        if (check === null) return;
        expect(isValidBusinessId(`${body}-${check}`)).toBe(true);
        expect(isValidBusinessId(`${body}-${(check + shift) % 10}`)).toBe(false);
      }),
    );
  });

  it('a generated personal identity code with a real date is valid, with exactly one check character', () => {
    const signs = ['+', '-', 'Y', 'X', 'W', 'V', 'U', 'A', 'B', 'C', 'D', 'E', 'F'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1800-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.integer({ min: 2, max: 899 }),
        (date, n) => {
          const year = date.getUTCFullYear();
          const dd = String(date.getUTCDate()).padStart(2, '0');
          const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
          const yy = String(year % 100).padStart(2, '0');
          const zzz = String(n).padStart(3, '0');
          const check = personalIdCheckChar(dd + mm + yy, zzz)!;
          const centurySigns =
            year < 1900 ? ['+'] : year < 2000 ? signs.slice(1, 7) : signs.slice(7);
          for (const sign of centurySigns) {
            expect(isValidPersonalId(`${dd}${mm}${yy}${sign}${zzz}${check}`)).toBe(true);
          }
          const wrong = '0123456789ABCDEFHJKLMNPRSTUVWXY'.replace(check, '').slice(0, 3);
          for (const w of wrong)
            expect(isValidPersonalId(`${dd}${mm}${yy}${centurySigns[0]}${zzz}${w}`)).toBe(false);
        },
      ),
    );
  });

  it('generated national and RF references are valid; one changed digit makes them invalid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{2,18}$/), (base) => {
        const ref = `${base}${nationalReferenceCheckDigit(base)}`;
        expect(isValidNationalReference(ref)).toBe(true);
        const rf = rfReferenceFor(ref)!;
        expect(isValidRfReference(rf)).toBe(true);
        const last = Number(ref.at(-1));
        expect(isValidNationalReference(`${ref.slice(0, -1)}${(last + 1) % 10}`)).toBe(false);
        expect(isValidRfReference(`${rf.slice(0, -1)}${(last + 1) % 10}`)).toBe(false);
      }),
    );
  });
});
