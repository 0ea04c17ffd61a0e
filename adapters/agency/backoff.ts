/**
 * Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): the delay before retry `attempt` (0-based) is uniform in
 * `[0, min(maxDelayMs, minDelayMs · 2^attempt))`. `minDelayMs` is the base of the exponent, not a
 * floor: full jitter may pick a delay close to 0, which is what spreads retrying callers apart.
 */

export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
}

/** Upper bound of the jittered delay for `attempt` (0-based). */
export function backoffCapMs(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2 ** 1100 is Infinity, and min() with the cap keeps that harmless.
  return Math.max(0, Math.min(options.maxDelayMs, options.minDelayMs * 2 ** exponent));
}

export function fullJitterDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return random() * backoffCapMs(attempt, options);
}
