export interface BackoffOptions {
  /** Delay cap before jitter for the first retry (attempt 0). */
  baseMs?: number;
  /** Upper bound of the exponential window. */
  maxMs?: number;
  /** Uniform random in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Capped exponential backoff with FULL jitter (AWS architecture blog): a uniform delay in
 * `[0, min(maxMs, baseMs * 2^attempt))`. `attempt` counts from 0.
 */
export function fullJitterBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, maxMs = 30_000, random = Math.random } = options;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 52);
  const ceilingMs = Math.min(maxMs, baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceilingMs);
}

/** A backoff function bound to its options: `attempt → delayMs`. */
export function createBackoff(options: BackoffOptions = {}): (attempt: number) => number {
  return (attempt) => fullJitterBackoffMs(attempt, options);
}
