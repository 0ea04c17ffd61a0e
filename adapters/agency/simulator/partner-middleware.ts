/**
 * Middleware of the partner API: ledger, latency, X-Api-Key, rate limit and the faults around
 * the handler (before: 500/503/429/409 with nothing committed; after: commit then 500 or drop;
 * slow bodies).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { planFaults, slowResponse } from './faults.ts';
import { SimHttpError, SimulatedDropError } from './http-error.ts';
import type { SimEnv, SimRuntime } from './runtime.ts';
import type { EndpointName } from './settings.ts';
import { isoTime } from './dates.ts';

export const PARTNER_BASE = '/api/v1/partner';

const ENDPOINTS: ReadonlySet<string> = new Set<EndpointName>([
  'POST /invoice',
  'POST /invoice/action',
  'GET /invoice/case',
  'GET /invoice/distribution',
  'GET /payments',
  'GET /settlements',
  'GET /validate',
  'GET /renew',
]);

function endpointOf(method: string, path: string): EndpointName | null {
  const name = `${method} ${path.slice(PARTNER_BASE.length).replace(/\/$/, '')}`;
  return ENDPOINTS.has(name) ? (name as EndpointName) : null;
}

function errorResponse(c: Context<SimEnv>, err: SimHttpError): Response {
  return c.json(err.body(), err.status as 400, err.headers);
}

/** Drops the connection: destroys the Node socket, or (in process) rejects `app.fetch`. */
function drop(c: Context<SimEnv>): Response {
  const socket = c.env?.incoming?.socket;
  if (!socket) throw new SimulatedDropError();
  socket.destroy();
  return new Response(null, { status: 500 });
}

export function partnerMiddleware(rt: SimRuntime): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const endpoint = endpointOf(c.req.method, c.req.path);
    const entry = rt.ledger.open({
      receivedAt: isoTime(rt.engine.nowMs),
      method: c.req.method,
      path: c.req.path,
      endpoint,
    });
    c.set('entry', entry);
    const plan = planFaults(rt.faults, rt.prng, endpoint);
    let status: number | null = null;
    try {
      if (plan.latencyMs > 0) await rt.sleep(plan.latencyMs);
      const account = rt.engine.state.accountsByKey.get(c.req.header('x-api-key') ?? '');
      if (!account) throw new SimHttpError(401, 'Unauthorized');
      entry.account = account.id;
      c.set('account', account);
      const waitS = rt.limiter?.take(account.id) ?? null;
      const retryAfter = { 'Retry-After': String(rt.faults.retryAfterSeconds) };
      if (waitS !== null || plan.before === 'rate-limited') {
        entry.fault = 'rate-limited';
        throw new SimHttpError(429, 'Too Many Requests', undefined, {
          'Retry-After': String(waitS ?? 1),
        });
      }
      if (plan.before !== null) {
        entry.fault = plan.before;
        if (plan.before === 'random-429')
          throw new SimHttpError(429, 'Too Many Requests', undefined, retryAfter);
        if (plan.before === 'error-503')
          throw new SimHttpError(503, 'Service Unavailable', undefined, retryAfter);
        if (plan.before === 'conflict-409')
          throw new SimHttpError(409, 'Invoice number already exists');
        throw new SimHttpError(500, 'Internal Server Error');
      }
      await next();
      if (c.res.status >= 200 && c.res.status < 300 && plan.after !== null) {
        entry.fault = plan.after;
        if (plan.after === 'commit-then-drop') {
          c.res = drop(c);
          return;
        }
        c.res = c.json({ message: 'Internal Server Error' }, 500);
      }
      if (plan.slowBody) {
        entry.fault ??= 'slow-body';
        c.res = await slowResponse(
          c.res,
          rt.faults.slowBodyChunkBytes,
          rt.faults.slowBodyChunkDelayMs,
          rt.sleep,
        );
      }
      status = c.res.status;
    } catch (err) {
      if (!(err instanceof SimHttpError)) throw err;
      c.res = errorResponse(c, err);
      status = err.status;
    } finally {
      rt.ledger.close(entry, status);
    }
  };
}
