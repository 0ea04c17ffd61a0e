/**
 * Builds the whole HTTP surface from the connector's parts: health, readiness, metrics, the
 * ingress, the ops JSON API and the dashboard, with their auth. `compose.ts` serves the app;
 * tests call `app.request()` on it.
 */
import type { Hono } from 'hono';
import type { OutboxRow, Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import { brokerNames } from '../broker-names.ts';
import type { ConnectorMetrics, LimiterSnapshot, QueueDepth } from '../metrics/index.ts';
import { createBulkReplay, type BulkReplay } from '../ops/bulk-replay.ts';
import { createDeadLetterActions, type DeadLetterActions } from '../ops/dead-letters.ts';
import { createStoreTaskActions, type TaskActionsPort } from '../ops/tasks.ts';
import { createHttpApp, type HttpLogger, type ReadinessReport } from './app.ts';
import type { HttpContext, HttpEnv } from './env.ts';
import { createIngressRoutes, type IngressPublisher } from './ingress/ingress-routes.ts';
import { createReplayGuard } from './ingress/replay-guard.ts';
import { createOpsApiRoutes } from './ops/api-routes.ts';
import { createOpsAuth } from './ops/auth.ts';
import { createDashboardRoutes } from './ops/dashboard-routes.ts';
import { createLoginLimiter } from './ops/login-limiter.ts';
import type { OpsOptions, PollersPort } from './ops/options.ts';

export interface ConnectorHttpOptions {
  config: ConnectorConfig;
  store: Store;
  readiness: () => Promise<ReadinessReport>;
  /** Publishes replay rows (the outbox relay). */
  relay: { publishRows(rows: OutboxRow[]): Promise<boolean> };
  ingress: IngressPublisher;
  metrics?: ConnectorMetrics;
  limiter?: () => LimiterSnapshot;
  queues?: () => Promise<QueueDepth[]>;
  pollers?: PollersPort;
  tasks?: TaskActionsPort;
  logger?: HttpLogger;
  /** Client address for login rate limiting; default: X-Forwarded-For is NOT trusted, 'unknown'. */
  clientKey?: (c: HttpContext) => string;
  now?: () => Date;
}

export interface ConnectorHttp {
  app: Hono<HttpEnv>;
  deadLetters: DeadLetterActions;
  bulk: BulkReplay;
}

export function createConnectorHttp(options: ConnectorHttpOptions): ConnectorHttp {
  const { config, store } = options;
  const now = options.now ?? (() => new Date());
  const names = brokerNames(config);
  const deadLetters = createDeadLetterActions({
    store,
    relay: options.relay,
    inboundQueue: (source) => (config.sources[source] ? names.inboundQueue(source) : null),
    now,
  });
  const bulk = createBulkReplay({ store, actions: deadLetters, now });
  const auth = createOpsAuth({
    opsToken: config.http.opsToken,
    operators: config.http.operators,
    sessionTtlMs: config.http.sessionTtlMinutes * 60_000,
    limiter: createLoginLimiter({ now: () => now().getTime() }),
    clientKey: options.clientKey ?? (() => 'unknown'),
    now: () => now().getTime(),
  });
  const ops: OpsOptions = {
    store,
    auth,
    deadLetters,
    bulk,
    tasks: options.tasks ?? createStoreTaskActions({ store, now }),
    pollers: options.pollers,
    health: options.readiness,
    limiter: options.limiter,
    queues: options.queues,
    throughput: options.metrics ? () => options.metrics!.throughput.series() : undefined,
  };
  const app = createHttpApp({
    readiness: options.readiness,
    ...(options.metrics ? { metrics: options.metrics.render } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    routes: [
      createIngressRoutes({
        sources: Object.entries(config.sources).map(([name, s]) => ({
          name,
          adapter: s.adapter,
          token: s.ingressToken,
          signingSecrets: s.ingressSigningSecrets,
        })),
        publisher: options.ingress,
        guard: createReplayGuard(store, now),
        maxBodyBytes: config.http.maxBodyBytes,
        maxJsonDepth: config.broker.maxJsonDepth,
        now: () => now().getTime(),
        ...(options.metrics ? { onAccepted: options.metrics.onIngress } : {}),
      }),
      createOpsApiRoutes(ops),
      createDashboardRoutes(ops),
    ],
  });
  return { app, deadLetters, bulk };
}
