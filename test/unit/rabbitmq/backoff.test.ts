import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBackoff, fullJitterBackoffMs } from '../../../adapters/rabbitmq/index.ts';

describe('fullJitterBackoffMs', () => {
  it('spans the whole window [0, min(cap, base * 2^attempt))', () => {
    expect(fullJitterBackoffMs(0, { baseMs: 100, maxMs: 10_000, random: () => 0 })).toBe(0);
    expect(fullJitterBackoffMs(0, { baseMs: 100, maxMs: 10_000, random: () => 0.999 })).toBe(99);
    expect(fullJitterBackoffMs(3, { baseMs: 100, maxMs: 10_000, random: () => 0.5 })).toBe(400);
    expect(fullJitterBackoffMs(20, { baseMs: 100, maxMs: 10_000, random: () => 0.5 })).toBe(5000);
    expect(fullJitterBackoffMs(10_000, { baseMs: 100, maxMs: 10_000, random: () => 0.999 })).toBe(
      9990,
    );
  });

  it('stays within bounds for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, r) => {
          const ms = fullJitterBackoffMs(attempt, { baseMs: 500, maxMs: 30_000, random: () => r });
          const ceiling = Math.min(30_000, 500 * 2 ** Math.max(0, attempt));
          return Number.isInteger(ms) && ms >= 0 && ms <= ceiling;
        },
      ),
    );
  });

  it('binds options with createBackoff', () => {
    const backoff = createBackoff({ baseMs: 1000, maxMs: 4000, random: () => 0.5 });
    expect([0, 1, 2, 3, 4].map(backoff)).toEqual([500, 1000, 2000, 2000, 2000]);
  });
});
