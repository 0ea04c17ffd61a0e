/**
 * The connector's HTTP app (Hono), built by a factory: liveness, readiness and metrics. The ops
 * API, the dashboard and the HTTP ingress are added here by their own route modules.
 */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export interface ReadinessReport {
  ready: boolean;
  /** Part name → ok, or a short reason (no URLs, versions or queue names). */
  checks: Record<string, string>;
}

export interface HttpAppOptions {
  readiness: () => Promise<ReadinessReport>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Extra route groups (ops API, ingress), mounted in order. */
  routes?: ((app: Hono) => void)[];
}

export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();
  app.use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"] } }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await options.readiness().catch(() => ({
      ready: false,
      checks: { readiness: 'check failed' },
    }));
    return c.json(
      { status: report.ready ? 'ready' : 'not ready', checks: report.checks },
      report.ready ? 200 : 503,
    );
  });
  if (options.metrics) {
    const metrics = options.metrics;
    app.get('/metrics', async (c) => {
      const { contentType, body } = await metrics();
      return c.body(body, 200, { 'Content-Type': contentType });
    });
  }
  for (const mount of options.routes ?? []) mount(app);
  app.onError((err, c) => {
    void err;
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
