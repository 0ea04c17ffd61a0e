/**
 * RELIABILITY.md §3.2 as code: which failures mean "the agency never got the request" (safe to
 * send again), "the agency refused it for now" (wait, then send again), "we cannot know" (reconcile
 * before sending again) or "it will never work" (do not send again). The full table is in
 * README.md. fetch() cannot tell us whether request bytes reached the peer, so anything that is
 * not a clear connect-phase error counts as ambiguous.
 */
import type { AgencyErrorKind } from './errors.ts';

/** Error codes that only occur before a request is written: connect, DNS, TLS handshake. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorLike {
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function codeOf(err: unknown): string | null {
  const code = (err as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : null;
}

function isConnectPhase(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== null && NOT_SENT_CODES.has(code)) return true;
  // Happy eyeballs (autoSelectFamily) reports one failure per address in an AggregateError.
  const errors = (err as ErrorLike | null)?.errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => isConnectPhase(e));
}

/**
 * Kind for an error thrown by fetch() (or by reading its body) that was not caused by our own
 * abort signals: `not_sent` only for a clear connect-phase code on the error or its cause.
 */
export function classifyFetchError(err: unknown): {
  kind: 'not_sent' | 'ambiguous';
  code: string | null;
} {
  const cause = (err as ErrorLike | null)?.cause;
  for (const candidate of [err, cause]) {
    if (candidate && isConnectPhase(candidate)) {
      const errors = (candidate as ErrorLike).errors;
      const first: unknown = Array.isArray(errors) ? errors[0] : null;
      return { kind: 'not_sent', code: codeOf(candidate) ?? codeOf(first) };
    }
  }
  return { kind: 'ambiguous', code: codeOf(cause) ?? codeOf(err) };
}

/** Kind for an HTTP answer, or null for a success (2xx). */
export function classifyStatus(status: number, hasRetryAfter: boolean): AgencyErrorKind | null {
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'refused';
  if (status === 503) return hasRetryAfter ? 'refused' : 'ambiguous';
  // 408: the server gave up waiting for the request; we cannot be sure how much it read.
  if (status === 408) return 'ambiguous';
  if (status >= 400 && status < 500) return 'permanent';
  if (status >= 500) return 'ambiguous';
  // 1xx and 3xx never reach us from a well-behaved agency (redirects are refused by fetch).
  return 'ambiguous';
}

/** Whether a failure of this kind may be retried inside the client for this call. */
export function isRetriedInClient(kind: AgencyErrorKind, idempotent: boolean): boolean {
  if (kind === 'not_sent' || kind === 'refused') return true;
  return kind === 'ambiguous' && idempotent;
}

/** Whether an outcome counts against the circuit breaker (the agency looks down or unusable). */
export function isCircuitFailure(kind: AgencyErrorKind | null, status: number | null): boolean {
  if (kind === 'not_sent' || kind === 'auth') return true;
  return kind === 'ambiguous' && (status === null || status >= 500);
}
