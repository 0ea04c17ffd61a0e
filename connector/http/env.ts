/** The Hono environment shared by the connector's routes: request id and the ops principal. */
import type { Context } from 'hono';

export type Role = 'viewer' | 'operator';

export interface Principal {
  /** Recorded in the audit log: an operator account name, or `ops-token`. */
  actor: string;
  role: Role;
  via: 'bearer' | 'session';
  /** The session's CSRF token (session logins only). */
  csrf?: string;
}

export interface HttpEnv {
  Variables: {
    requestId: string;
    principal: Principal;
  };
}

export type HttpContext = Context<HttpEnv>;

/** A JSON error body: a message and the request id, never a stack, a secret or a payload. */
export function errorBody(c: HttpContext, error: string, extra: Record<string, unknown> = {}) {
  return { error, requestId: c.get('requestId'), ...extra };
}
