import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  backoffCapMs,
  fullJitterDelayMs,
  parseRetryAfterMs,
} from '../../../adapters/agency/index.ts';
import { retryDelayMs } from '../../../adapters/agency/retry.ts';
import { AgencyError } from '../../../adapters/agency/errors.ts';

/** A seeded PRNG (mulberry32) so the sample is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const policy = { minDelayMs: 100, maxDelayMs: 5000 };

describe('full-jitter backoff (RELIABILITY P4)', () => {
  for (const attempt of [0, 1, 3, 5, 8]) {
    it(`attempt ${attempt}: 10,000 delays within [0, min(cap, base·2^n)], mean within ±5% of half`, () => {
      const bound = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
      expect(backoffCapMs(attempt, policy)).toBe(bound);
      const random = seeded(1000 + attempt);
      let sum = 0;
      for (let i = 0; i < 10_000; i++) {
        const d = fullJitterDelayMs(attempt, policy, random);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(bound);
        sum += d;
      }
      const mean = sum / 10_000;
      expect(Math.abs(mean - bound / 2)).toBeLessThanOrEqual(0.05 * (bound / 2));
    });
  }

  it('uses the whole range: random 0 gives 0, random → 1 gives the bound', () => {
    expect(fullJitterDelayMs(2, policy, () => 0)).toBe(0);
    expect(fullJitterDelayMs(2, policy, () => 0.999999)).toBeCloseTo(400, 2);
    expect(fullJitterDelayMs(40, policy, () => 0.5)).toBe(2500);
  });

  it('never exceeds the cap for any attempt (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(2000),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const d = fullJitterDelayMs(attempt, policy, () => r);
          return d >= 0 && d <= policy.maxDelayMs;
        },
      ),
    );
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-04-01T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('7', now)).toBe(7000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfterMs(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfterMs('Wed, 01 Apr 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('returns null for absent or unreadable values', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5', '7s']) {
      expect(parseRetryAfterMs(value, now)).toBeNull();
    }
  });

  it('a wait is at least the Retry-After, seconds or date (P4)', () => {
    const full = { ...policy, retries: 3, maxRetryAfterMs: 60_000 };
    for (const header of ['7', new Date(now + 7000).toUTCString()]) {
      const retryAfterMs = parseRetryAfterMs(header, now);
      const err = new AgencyError({
        kind: 'refused',
        method: 'GET',
        path: '/payments',
        status: 429,
        retryAfterMs,
      });
      for (const r of [0, 0.5, 0.99]) {
        expect(retryDelayMs(err, 0, full, () => r)).toBeGreaterThanOrEqual(7000);
      }
    }
  });
});
