/**
 * Wires the HTTP surface to the real adapters (used by `compose.ts`): readiness with the stall
 * rule, metrics sources read at scrape time, the ingress publisher on the confirm channel, the
 * pollers' and the task service's actions, client addresses for login rate limiting, and a
 * periodic agency check for readiness.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Broker } from '../../adapters/rabbitmq/index.ts';
import type { Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import { brokerNames } from '../broker-names.ts';
import type {
  ConnectorMetrics,
  LimiterSnapshot,
  PollerStatus,
  QueueDepth,
} from '../metrics/index.ts';
import type { TaskActionsPort } from '../ops/tasks.ts';
import type { HttpLogger, ReadinessReport } from './app.ts';
import {
  createConnectorHttp,
  type ConnectorHttp,
  type ConnectorHttpOptions,
} from './connector-http.ts';
import type { PollersPort } from './ops/options.ts';
import { createReadiness } from './readiness.ts';

/** The pollers' status as the scheduler reports it (structural, so the two sides stay apart). */
export interface SchedulerPollers {
  status(): {
    name: string;
    running: boolean;
    lastRun: { result: string; startedAt: string; durationMs: number; error?: string } | null;
    lastSuccessAt: string | null;
    nextRunAt: string | null;
  }[];
  runNow(name: string): Promise<unknown>;
}

export function pollersPort(p: SchedulerPollers): PollersPort {
  return {
    status: (): PollerStatus[] =>
      p.status().map((s) => ({
        name: s.name,
        running: s.running,
        lastRunAt: s.lastRun?.startedAt ?? null,
        lastDurationMs: s.lastRun?.durationMs ?? null,
        lastResult: s.lastRun
          ? s.lastRun.result + (s.lastRun.error ? `: ${s.lastRun.error}` : '')
          : null,
        lastSuccessAt: s.lastSuccessAt,
        nextRunAt: s.nextRunAt,
      })),
    runNow: (name) => p.runNow(name),
  };
}

export interface WireHttpOptions {
  config: ConnectorConfig;
  store: Store;
  broker: Broker;
  agency: { limiterState(): LimiterSnapshot };
  connector: {
    readiness(): Promise<ReadinessReport>;
    checkAgency(): Promise<boolean>;
    agencyCheckPassed(): boolean;
    relay: ConnectorHttpOptions['relay'];
    pollers?: SchedulerPollers;
    tasks?: TaskActionsPort;
  };
  metrics: ConnectorMetrics;
  logger: HttpLogger;
  /** How often readiness re-checks the agency (default 60 s). */
  agencyCheckMs?: number;
}

export function wireHttp(o: WireHttpOptions): ConnectorHttp & { stop(): void } {
  const { config, broker } = o;
  const names = brokerNames(config);
  const queueNames = [
    ...Object.keys(config.sources).map((s) => names.inboundQueue(s)),
    names.deadLetterQueue,
    names.unroutableQueue,
  ];
  const queues = async (): Promise<QueueDepth[]> =>
    Promise.all(
      queueNames.map(async (queue) => {
        const q = await broker.checkQueue(queue);
        return { queue, messages: q.messageCount, consumers: q.consumerCount };
      }),
    );
  const readiness = createReadiness({
    base: () => o.connector.readiness(),
    consumers: () => broker.status().consumers,
    depth: async (queue) => (await broker.checkQueue(queue)).messageCount,
    stallMs: config.http.consumerStallMs,
  });
  const pollers = o.connector.pollers ? pollersPort(o.connector.pollers) : undefined;
  const limiter = () => o.agency.limiterState();
  o.metrics.setSources({
    counts: () => o.store.counts(),
    limiter,
    queues,
    broker: () => broker.status(),
    ...(pollers ? { pollers: () => pollers.status() } : {}),
  });
  const http = createConnectorHttp({
    config,
    store: o.store,
    readiness,
    relay: o.connector.relay,
    ingress: {
      connected: () => broker.status().connected && !broker.status().blocked,
      publish: (routingKey, body, options) =>
        broker.publish(config.broker.inboundExchange, routingKey, body, {
          ...options,
          timeoutMs: Math.min(config.broker.publishTimeoutMs, 5_000),
        }),
    },
    metrics: o.metrics,
    limiter,
    queues,
    ...(pollers ? { pollers } : {}),
    ...(o.connector.tasks ? { tasks: o.connector.tasks } : {}),
    logger: o.logger,
    clientKey: (c) => {
      try {
        return getConnInfo(c).remote.address ?? 'unknown';
      } catch {
        return 'unknown';
      }
    },
  });
  // The agency check behind readiness: every `every` ms while it passes; after a failure (a 429
  // or a blip at start-up, say) again after 2 s, doubling up to `every`, so readiness recovers
  // within seconds of the agency instead of a whole interval later.
  const every = o.agencyCheckMs ?? 60_000;
  const firstRetryMs = Math.min(every, 2_000);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number, retryMs: number): void => {
    timer = setTimeout(() => {
      void o.connector
        .checkAgency()
        .catch(() => false)
        .then((ok) => {
          if (stopped) return;
          if (ok) schedule(every, firstRetryMs);
          else schedule(retryMs, Math.min(every, retryMs * 2));
        });
    }, delayMs);
    timer.unref();
  };
  if (o.connector.agencyCheckPassed()) schedule(every, firstRetryMs);
  else schedule(firstRetryMs, Math.min(every, firstRetryMs * 2));
  return {
    ...http,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
