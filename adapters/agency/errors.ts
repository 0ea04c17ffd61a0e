/**
 * The agency client's one error class. Its `kind` decides what the caller does (README.md,
 * "Error classes"). It never carries the API key, request or response bodies, or headers: only the
 * method, the path (ids and dates, no personal data), the status, and the agency's own `message`
 * and field errors, length-capped and scrubbed of the key.
 */

export type AgencyErrorKind =
  | 'permanent'
  | 'not_found'
  | 'conflict'
  | 'auth'
  | 'not_sent'
  | 'refused'
  | 'ambiguous'
  | 'aborted'
  | 'circuit_open';

export interface AgencyFieldError {
  field: string;
  message: string;
}

export interface AgencyErrorInit {
  kind: AgencyErrorKind;
  method: string;
  path: string;
  status?: number | null;
  retryAfterMs?: number | null;
  agencyMessage?: string | null;
  fieldErrors?: AgencyFieldError[];
  /** What went wrong on our side, e.g. `timeout after 5000 ms`; no payload data. */
  detail?: string | null;
  cause?: unknown;
}

const RETRYABLE_KINDS: ReadonlySet<AgencyErrorKind> = new Set([
  'not_sent',
  'refused',
  'ambiguous',
  'circuit_open',
]);

export const MAX_AGENCY_MESSAGE_CHARS = 500;
export const MAX_FIELD_ERRORS = 50;

export class AgencyError extends Error {
  override readonly name = 'AgencyError';
  readonly kind: AgencyErrorKind;
  readonly status: number | null;
  /** True when trying again later may succeed (for `ambiguous`: only after reconciling). */
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly agencyMessage: string | null;
  readonly fieldErrors: AgencyFieldError[];
  readonly method: string;
  readonly path: string;

  constructor(init: AgencyErrorInit) {
    const status = init.status ?? null;
    const parts = [`agency ${init.method} ${init.path}: ${init.kind}`];
    if (status !== null) parts.push(`HTTP ${status}`);
    if (init.detail) parts.push(init.detail);
    if (init.agencyMessage) parts.push(init.agencyMessage);
    super(parts.join(', '), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = status;
    this.retryable = RETRYABLE_KINDS.has(init.kind);
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.agencyMessage = init.agencyMessage ?? null;
    this.fieldErrors = init.fieldErrors ?? [];
    this.method = init.method;
    this.path = init.path;
  }
}

export function isAgencyError(err: unknown): err is AgencyError {
  return err instanceof AgencyError;
}

/** Caps a text from outside and removes every occurrence of the secrets (the API key). */
export function scrubText(
  text: string,
  secrets: readonly string[],
  maxChars = MAX_AGENCY_MESSAGE_CHARS,
): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/**
 * A stand-in for a low-level error (fetch, socket), keeping its name, code and scrubbed message but
 * none of its other properties (some libraries attach request options, headers included).
 */
export class AgencyTransportCause extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  constructor(err: unknown, secrets: readonly string[]) {
    const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } | null;
    const inner = e?.cause as { message?: unknown; code?: unknown } | null | undefined;
    let message = typeof e?.message === 'string' ? e.message : String(err);
    if (typeof inner?.message === 'string' && inner.message)
      message = `${message}: ${inner.message}`;
    super(scrubText(message, secrets, 300));
    this.name = typeof e?.name === 'string' ? e.name : 'Error';
    const code = typeof e?.code === 'string' ? e.code : inner?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}
