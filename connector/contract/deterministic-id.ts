/**
 * Deterministic event ids: a UUID-shaped id (version 8, RFC 9562 "custom") from the SHA-256 of
 * the parts. Same parts → same id, so a recomputed event is the same message to the ERP. Parts
 * are length-prefixed before hashing, so `['ab', 'c']` and `['a', 'bc']` differ.
 */
import { createHash } from 'node:crypto';

export function deterministicEventId(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part, 'utf8')}:${part};`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // variant 10xx
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
