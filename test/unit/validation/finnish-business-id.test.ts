import { describe, expect, it } from 'vitest';
import {
  businessIdCheckDigit,
  isValidBusinessId,
} from '../../../connector/validation/finnish-business-id.ts';

describe('Finnish business ID', () => {
  it.each(['0646115-8', '0737546-2', '1572860-0', '2617416-4'])('accepts the real ID %s', (id) => {
    expect(isValidBusinessId(id)).toBe(true);
  });

  it('computes the check digit with weights 7,9,10,5,8,4,2', () => {
    expect(businessIdCheckDigit('0646115')).toBe(8);
    expect(businessIdCheckDigit('0737546')).toBe(2);
  });

  it('gives check digit 0 for remainder 0 and none for remainder 1', () => {
    // 0000000 → sum 0 → remainder 0 → 0
    expect(businessIdCheckDigit('0000000')).toBe(0);
    expect(isValidBusinessId('0000000-0')).toBe(true);
    // 1000000 → 7 → 11 − 7 = 4; 0000010 → 4 → 7; 0000001 → 2 → 9
    expect(businessIdCheckDigit('1000000')).toBe(4);
    // find a remainder-1 body: 0000030 → 12 → remainder 1
    expect(businessIdCheckDigit('0000030')).toBeNull();
    for (let d = 0; d <= 9; d++) expect(isValidBusinessId(`0000030-${d}`)).toBe(false);
  });

  it.each([
    ['0646115-7', 'wrong check digit'],
    ['646115-8', 'six digits'],
    ['06461158', 'no hyphen'],
    [' 0646115-8', 'leading space'],
    ['0646115-8 ', 'trailing space'],
    ['O646115-8', 'letter O'],
    ['', 'empty'],
  ])('rejects %s (%s)', (id) => {
    expect(isValidBusinessId(id)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isValidBusinessId(6461158)).toBe(false);
    expect(isValidBusinessId(null)).toBe(false);
  });
});
