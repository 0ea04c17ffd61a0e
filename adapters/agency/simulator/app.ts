/**
 * The simulator's Hono app: the partner API under `/api/v1/partner` (with auth and faults) and
 * the admin API under `/_sim`. One error handler turns `SimHttpError` into the spec §13 body; a
 * simulated connection drop propagates so `app.fetch` rejects like a real `fetch`.
 */
import { Hono } from 'hono';
import { adminRoutes } from './admin-routes.ts';
import type { AdminOps } from './admin-routes.ts';
import { SimHttpError, SimulatedDropError } from './http-error.ts';
import { partnerMiddleware, PARTNER_BASE } from './partner-middleware.ts';
import { partnerRoutes } from './partner-routes.ts';
import type { SimEnv, SimRuntime } from './runtime.ts';

export function createSimApp(rt: SimRuntime, ops: AdminOps): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  app.onError((err, c) => {
    if (err instanceof SimulatedDropError) throw err;
    if (err instanceof SimHttpError) return c.json(err.body(), err.status as 400, err.headers);
    // A simulator bug: say what failed (the simulator holds no secrets).
    return c.json({ message: 'Internal Server Error', error: err.message }, 500);
  });
  app.notFound((c) => c.json({ message: 'Not Found' }, 404));
  app.use(`${PARTNER_BASE}/*`, partnerMiddleware(rt));
  app.route(PARTNER_BASE, partnerRoutes(rt));
  app.route('/_sim', adminRoutes(ops));
  return app;
}
