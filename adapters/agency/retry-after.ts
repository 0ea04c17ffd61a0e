/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns the wait in
 * milliseconds from `nowMs` (0 when the date is past), or null when the header is absent or
 * unreadable (the caller then falls back to its own backoff).
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // Only date forms: a bare number with a fraction or sign is not valid delay-seconds.
  if (!/[a-z]/i.test(value)) return null;
  const atMs = Date.parse(value);
  if (Number.isNaN(atMs)) return null;
  return Math.max(0, atMs - nowMs);
}
