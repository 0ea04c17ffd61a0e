import { describe, expect, it } from 'vitest';
import {
  isValidPersonalId,
  personalIdBirthDate,
  personalIdCheckChar,
} from '../../../connector/validation/finnish-personal-id.ts';

describe('Finnish personal identity code (HETU)', () => {
  it('accepts the official example 131052-308T', () => {
    expect(isValidPersonalId('131052-308T')).toBe(true);
    expect(personalIdBirthDate('131052-308T')).toBe('1952-10-13');
    expect(personalIdCheckChar('131052', '308')).toBe('T');
  });

  it('DVV’s 2023 examples have correct check characters but temporary individual numbers', () => {
    // 010594Y9021 and 010594Y9032 are DVV's examples for the new century signs; 902 and 903 are
    // in the temporary range 900-999.
    expect(personalIdCheckChar('010594', '902')).toBe('1');
    expect(personalIdCheckChar('010594', '903')).toBe('2');
    expect(isValidPersonalId('010594Y9021')).toBe(false);
    expect(isValidPersonalId('010594Y9032')).toBe(false);
    expect(isValidPersonalId('010594Y9021', { allowTemporary: true })).toBe(true);
    expect(isValidPersonalId('010594Y9032', { allowTemporary: true })).toBe(true);
    expect(isValidPersonalId('010594Y9022', { allowTemporary: true })).toBe(false);
  });

  it.each([
    ['010594Y123W', '1994-05-01'],
    ['010594-123W', '1994-05-01'],
    ['010594U123W', '1994-05-01'],
    ['020304A123P', '2004-03-02'],
    ['020304F123P', '2004-03-02'],
    ['290200A4561', '2000-02-29'],
    ['311299-0029', '1999-12-31'],
    ['010150+899B', '1850-01-01'],
  ])('accepts %s (born %s), every century sign alike', (code, born) => {
    expect(personalIdBirthDate(code)).toBe(born);
  });

  it.each([
    ['131052-308S', 'wrong check character'],
    ['131052-308t', 'lower-case check character'],
    ['131052Z308T', 'unknown century sign'],
    ['131052G308T', 'G is not a century sign'],
    ['290201A4561', 'no 29 February in 2001'],
    ['320194-123W', 'day 32'],
    ['011394-123W', 'month 13'],
    ['131052-000T', 'individual number 000'],
    ['131052-001T', 'individual number 001'],
    ['131052-308', 'too short'],
    ['131052-308TT', 'too long'],
    [' 131052-308T', 'leading space'],
  ])('rejects %s (%s)', (code) => {
    expect(isValidPersonalId(code)).toBe(false);
  });

  it('uses the century: 29 Feb exists in 1900s only when the year is a leap year', () => {
    const check = personalIdCheckChar('290296', '123');
    expect(isValidPersonalId(`290296-123${check}`)).toBe(true); // 1996
    const check97 = personalIdCheckChar('290297', '123');
    expect(isValidPersonalId(`290297-123${check97}`)).toBe(false); // 1997
    const check00 = personalIdCheckChar('290200', '123');
    expect(isValidPersonalId(`290200-123${check00}`)).toBe(false); // 1900 is not a leap year
    expect(isValidPersonalId(`290200A123${check00}`)).toBe(true); // 2000 is
  });
});
