/**
 * Access to `/ops` and `/api/ops` (RELIABILITY.md §6.4). Always on: with neither OPS_TOKEN nor
 * operator accounts configured, nobody gets in. `Authorization: Bearer <OPS_TOKEN>` (operator)
 * for the JSON API; the dashboard logs in with OPS_TOKEN or an operator account (scrypt hash)
 * and gets an HttpOnly, SameSite=Strict session cookie. Session writes need the session's CSRF
 * token and a same-origin request. Secrets compared in constant time; failed attempts limited.
 */
import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { hashPassword, verifyPassword } from '../../ops/hash-password.ts';
import { errorBody, type HttpContext, type HttpEnv, type Principal, type Role } from '../env.ts';
import { bearerToken, safeEqual } from '../secure-compare.ts';
import type { LoginLimiter } from './login-limiter.ts';

export const SESSION_COOKIE = 'ops_session';

export interface OperatorAccount {
  name: string;
  passwordHash: string;
  role: Role;
}

export interface OpsAuthOptions {
  opsToken: string | undefined;
  operators: OperatorAccount[];
  sessionTtlMs: number;
  limiter: LoginLimiter;
  /** Client address for rate limiting (the socket's remote address). */
  clientKey: (c: HttpContext) => string;
  now?: () => number;
}

interface Session extends Principal {
  expiresAt: number;
}

const dummyHash = hashPassword('not-a-password-for-timing');

export function createOpsAuth(options: OpsAuthOptions) {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();

  function session(c: HttpContext): Session | null {
    const sid = getCookie(c, SESSION_COOKIE);
    if (!sid || sid.length > 100) return null;
    const s = sessions.get(sid);
    if (!s) return null;
    if (s.expiresAt <= now()) {
      sessions.delete(sid);
      return null;
    }
    return s;
  }

  function tooMany(c: HttpContext) {
    const wait = options.limiter.blockedForMs(options.clientKey(c));
    if (wait === 0) return null;
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return c.json(errorBody(c, 'too many failed attempts, wait'), 429);
  }

  /** Checks a login; returns the principal or null (and counts the failure). */
  async function checkLogin(
    c: HttpContext,
    user: string,
    secret: string,
  ): Promise<Principal | null> {
    let principal: Principal | null = null;
    if (user === '') {
      if (options.opsToken && safeEqual(secret, options.opsToken)) {
        principal = { actor: 'ops-token', role: 'operator', via: 'session' };
      }
    } else {
      const account = options.operators.find((o) => o.name === user);
      const ok = await verifyPassword(secret, account?.passwordHash ?? (await dummyHash));
      if (account && ok) principal = { actor: account.name, role: account.role, via: 'session' };
    }
    if (!principal) options.limiter.fail(options.clientKey(c));
    return principal;
  }

  return {
    tooMany,
    checkLogin,
    /** Starts a session for `principal`: sets the cookie, returns the CSRF token. */
    startSession(c: HttpContext, principal: Principal): string {
      const sid = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      for (const [k, s] of sessions) if (s.expiresAt <= now()) sessions.delete(k);
      sessions.set(sid, {
        ...principal,
        via: 'session',
        csrf,
        expiresAt: now() + options.sessionTtlMs,
      });
      const secure =
        new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
      setCookie(c, SESSION_COOKIE, sid, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure,
        maxAge: Math.floor(options.sessionTtlMs / 1000),
      });
      return csrf;
    },
    endSession(c: HttpContext): void {
      const sid = getCookie(c, SESSION_COOKIE);
      if (sid) sessions.delete(sid);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    },
    /**
     * Sets `principal` from a bearer token or a session; otherwise answers 401 via `deny`
     * (JSON for the API, the login page for the dashboard).
     */
    authenticate(
      deny: (c: HttpContext) => Response | Promise<Response>,
      isPublic: (c: HttpContext) => boolean = () => false,
    ): MiddlewareHandler<HttpEnv> {
      return async (c, next) => {
        if (isPublic(c)) return next();
        const header = c.req.header('authorization');
        if (header !== undefined) {
          const blocked = tooMany(c);
          if (blocked) return blocked;
          const token = bearerToken(header);
          if (token && options.opsToken && safeEqual(token, options.opsToken)) {
            c.set('principal', { actor: 'ops-token', role: 'operator', via: 'bearer' });
            return next();
          }
          options.limiter.fail(options.clientKey(c));
          c.header('WWW-Authenticate', 'Bearer realm="ops"');
          return c.json(errorBody(c, 'invalid credentials'), 401);
        }
        const s = session(c);
        if (!s) return deny(c);
        c.set('principal', {
          actor: s.actor,
          role: s.role,
          via: 'session',
          ...(s.csrf ? { csrf: s.csrf } : {}),
        });
        return next();
      };
    },
  };
}

export type OpsAuth = ReturnType<typeof createOpsAuth>;

/**
 * False when the browser says the request is cross-site: `Sec-Fetch-Site` other than
 * same-origin/none, or an `Origin` whose host is not this request's host (compared by host, so
 * a TLS-terminating proxy in front does not matter). Without either header the CSRF token alone
 * decides.
 */
export function sameOrigin(c: HttpContext): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

/**
 * CSRF for session writes: same origin and the session's token (form field `csrf` or header
 * `X-CSRF-Token`). Bearer requests carry no ambient credential and pass.
 */
export function csrfGuard(
  getFormToken: (c: HttpContext) => Promise<string | undefined>,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (p.via === 'bearer') return next();
    const given = c.req.header('x-csrf-token') ?? (await getFormToken(c));
    if (!sameOrigin(c) || !given || !p.csrf || !safeEqual(given, p.csrf)) {
      return c.json(errorBody(c, 'cross-site request refused (CSRF)'), 403);
    }
    return next();
  };
}

export function requireOperator(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (c.get('principal').role !== 'operator') {
      return c.json(errorBody(c, 'operators only: this account may only read'), 403);
    }
    return next();
  };
}
