/**
 * Standard Webhooks signature check (RELIABILITY.md §6.2): `webhook-id`, `webhook-timestamp`
 * (Unix seconds, ±300 s) and `webhook-signature` (space-separated `v1,<base64>`), an
 * HMAC-SHA256 over `id.timestamp.rawBody` with a secret given as `whsec_<base64>` (or plain
 * text). Any of the configured secrets may match (two during rotation). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_S = 300;

export type SignatureCheck =
  | { ok: true; id: string }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'bad_signature' };

export function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

export function signPayload(
  secret: string,
  id: string,
  timestamp: number,
  body: Uint8Array,
): string {
  const mac = createHmac('sha256', secretKey(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

export function verifySignature(input: {
  secrets: string[];
  headers: {
    id?: string | undefined;
    timestamp?: string | undefined;
    signature?: string | undefined;
  };
  body: Uint8Array;
  nowMs: number;
  toleranceS?: number;
}): SignatureCheck {
  const { id, timestamp, signature } = input.headers;
  if (!id || !timestamp || !signature || id.length > 256 || signature.length > 2048) {
    return { ok: false, reason: 'missing_headers' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const ts = Number(timestamp);
  if (Math.abs(input.nowMs / 1000 - ts) > (input.toleranceS ?? SIGNATURE_TOLERANCE_S)) {
    return { ok: false, reason: 'bad_timestamp' };
  }
  // The base64 text itself is compared, not its decoded bytes: Node's base64 decoder ignores
  // stray characters and padding and takes the URL alphabet too, so a changed `=` or last
  // character would still decode to the right digest (a malleable signature).
  const given = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'utf8'));
  let match = false;
  for (const secret of input.secrets) {
    const expected = Buffer.from(signPayload(secret, id, ts, input.body).slice(3), 'utf8');
    for (const g of given) {
      // Every pair is compared (no early exit), each in constant time.
      if (g.length === expected.length && timingSafeEqual(g, expected)) match = true;
    }
  }
  return match ? { ok: true, id } : { ok: false, reason: 'bad_signature' };
}
