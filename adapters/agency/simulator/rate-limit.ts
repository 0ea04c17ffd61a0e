/** Token-bucket rate limit per account, on real (not simulated) time. */

export interface RateLimitSettings {
  requestsPerSecond: number;
  /** Bucket size; default max(1, ceil(requestsPerSecond)). */
  burst?: number;
}

export interface RateLimiter {
  /** Takes a token; returns null when allowed, else the seconds to wait (for `Retry-After`). */
  take(accountId: string): number | null;
}

export function createRateLimiter(settings: RateLimitSettings, nowMs: () => number): RateLimiter {
  const rate = settings.requestsPerSecond;
  if (!(rate > 0)) throw new RangeError('rateLimit.requestsPerSecond must be positive');
  const burst = settings.burst ?? Math.max(1, Math.ceil(rate));
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return {
    take(accountId) {
      const now = nowMs();
      const bucket = buckets.get(accountId) ?? { tokens: burst, atMs: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.atMs) / 1000) * rate);
      bucket.atMs = now;
      buckets.set(accountId, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return null;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
    },
  };
}
