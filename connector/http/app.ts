/**
 * The connector's HTTP app (Hono), built by a factory: request ids, security headers, liveness,
 * readiness and metrics. The ingress, the ops API and the dashboard are mounted by their own
 * route modules (`routes`). Error bodies are JSON with the request id, never a stack or a secret.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { errorBody, type HttpEnv } from './env.ts';

export interface ReadinessReport {
  ready: boolean;
  /** Part name → ok, or a short reason (no URLs, versions or queue names). */
  checks: Record<string, string>;
}

/** pino-compatible subset. */
export interface HttpLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface HttpAppOptions {
  readiness: () => Promise<ReadinessReport>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Extra route groups (ops API, ingress), mounted in order. */
  routes?: ((app: Hono<HttpEnv>) => void)[];
  logger?: HttpLogger;
}

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export function createHttpApp(options: HttpAppOptions): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const log = options.logger;
  app.use('*', requestId({ limitLength: 64 }));
  app.use(
    '*',
    secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, xFrameOptions: 'DENY' }),
  );
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log?.debug(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        durationMs: Math.round(performance.now() - started),
      },
      'http request',
    );
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await options.readiness().catch(() => ({
      ready: false,
      checks: { readiness: 'check failed' },
    }));
    c.header('Cache-Control', 'no-store');
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
    if (err instanceof HTTPException && err.status < 500) {
      const status = err.status;
      return c.json(errorBody(c, status === 413 ? 'body too large' : 'bad request'), status);
    }
    log?.error(
      { err, requestId: c.get('requestId'), route: c.req.routePath },
      'http handler failed',
    );
    return c.json(errorBody(c, 'internal error'), 500);
  });
  app.notFound((c) => c.json(errorBody(c, 'not found'), 404));
  return app;
}
