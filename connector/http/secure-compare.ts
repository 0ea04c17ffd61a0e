/** Constant-time comparison of secrets of any length (both hashed to 32 bytes first). */
import { createHash, timingSafeEqual } from 'node:crypto';

export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return m?.[1] ?? null;
}
