import { describe, expect, it } from 'vitest';
import { isExistingDate, isRfc3339Timestamp } from '../../../connector/validation/dates.ts';

describe('dates', () => {
  it.each(['2026-11-23', '2024-02-29', '2000-02-29', '1999-12-31', '0001-01-01'])(
    'accepts %s',
    (d) => {
      expect(isExistingDate(d)).toBe(true);
    },
  );
  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
    '2026-1-01',
    '2026-11-23T00:00:00Z',
    '26-11-23',
    '',
  ])('rejects %s', (d) => {
    expect(isExistingDate(d)).toBe(false);
  });
  it('rejects non-strings', () => {
    expect(isExistingDate(20261123)).toBe(false);
  });
});

describe('RFC 3339 timestamps', () => {
  it.each([
    '2026-11-23T10:00:00Z',
    '2026-11-23T10:00:00.123Z',
    '2026-11-23T10:00:00.123456789+02:00',
    '2026-11-23t23:59:59z',
    '2024-02-29T00:00:00-05:30',
  ])('accepts %s', (t) => {
    expect(isRfc3339Timestamp(t)).toBe(true);
  });
  it.each([
    '2026-11-23T10:00:00',
    '2026-11-23 10:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T10:60:00Z',
    '2026-11-23T10:00:60Z',
    '2026-02-30T10:00:00Z',
    '2026-11-23T10:00:00+24:00',
    '2026-11-23T10:00Z',
    '2026-11-23',
    '2026-11-23T10:00:00.Z',
  ])('rejects %s', (t) => {
    expect(isRfc3339Timestamp(t)).toBe(false);
  });
});
