/**
 * The connector's Prometheus metrics on a registry of its own (no global default registry).
 * Counters are fed by hooks (pipeline outcomes, agency requests, publishes); gauges that mirror
 * state (store counts, limiter, broker queue depths, pollers) are read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createThroughput } from './throughput.ts';
import type { MetricsSources, PollerStatus } from './types.ts';

export function createConnectorMetrics(
  options: { processMetrics?: boolean; now?: () => number } = {},
) {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const throughput = createThroughput(options.now ? { now: options.now } : {});
  const reg = { registers: [registry] };
  const eventsIn = new Counter({
    name: 'connector_events_in_total',
    help: 'Inbound events handled, by source, type and outcome (done, duplicate, parked, retried, dead_lettered).',
    labelNames: ['source', 'type', 'outcome'] as const,
    ...reg,
  });
  const eventsOut = new Counter({
    name: 'connector_events_out_total',
    help: 'Events published to the outbound exchange, by source, type and outcome (confirmed, failed).',
    labelNames: ['source', 'type', 'outcome'] as const,
    ...reg,
  });
  const retries = new Counter({
    name: 'connector_retries_total',
    help: 'Events sent round a delay queue for another attempt.',
    labelNames: ['source', 'type'] as const,
    ...reg,
  });
  const deadLettered = new Counter({
    name: 'connector_dead_lettered_total',
    help: 'Events dead-lettered.',
    labelNames: ['source', 'type'] as const,
    ...reg,
  });
  const agencyCalls = new Counter({
    name: 'connector_agency_requests_total',
    help: 'Agency API requests, by endpoint, method, HTTP status (none = no answer) and outcome.',
    labelNames: ['endpoint', 'method', 'status', 'outcome'] as const,
    ...reg,
  });
  const agencyLatency = new Histogram({
    name: 'connector_agency_request_duration_seconds',
    help: 'Agency API request latency.',
    labelNames: ['endpoint', 'method'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ...reg,
  });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, ...reg });
  const parked = gauge('connector_parked_events', 'Events waiting in the parked line.');
  const deadOpen = gauge(
    'connector_dead_letters_open',
    'Dead letters not yet replayed or discarded.',
  );
  const outboxPending = gauge(
    'connector_outbox_pending',
    'Outbox rows not yet confirmed by the broker.',
  );
  const manualReview = gauge('connector_manual_review', 'Money actions waiting for manual review.');
  const tasks = gauge('connector_debt_collection_tasks', 'Debt-collection tasks by state.', [
    'state',
  ]);
  const limiterQueued = gauge(
    'connector_agency_limiter_queued',
    'Agency calls waiting in the limiter.',
  );
  const limiterRunning = gauge('connector_agency_limiter_running', 'Agency calls in flight.');
  const circuitOpen = gauge(
    'connector_agency_circuit_open',
    '1 while the agency circuit is open (0.5 half-open).',
  );
  const queueDepth = gauge('connector_queue_messages', 'Messages ready in a broker queue.', [
    'queue',
  ]);
  const queueConsumers = gauge('connector_queue_consumers', 'Consumers on a broker queue.', [
    'queue',
  ]);
  const brokerUp = gauge('connector_broker_connected', '1 while both broker connections are up.');
  const pollerRuns = new Counter({
    name: 'connector_poller_runs_total',
    help: 'Poller runs, by poller and result (ok, failed).',
    labelNames: ['poller', 'result'] as const,
    ...reg,
  });
  const pollerDuration = gauge(
    'connector_poller_last_duration_seconds',
    'Duration of the last run.',
    ['poller'],
  );
  const pollerSuccess = gauge(
    'connector_poller_last_success_timestamp_seconds',
    'Unix time of the last successful run.',
    ['poller'],
  );
  const scrapeErrors = new Counter({
    name: 'connector_metrics_scrape_errors_total',
    help: 'Sources that could not be read during a scrape.',
    labelNames: ['part'] as const,
    ...reg,
  });
  const ingress = new Counter({
    name: 'connector_ingress_events_total',
    help: 'Events accepted by POST /v1/events (confirmed by the broker), by source.',
    labelNames: ['source'] as const,
    ...reg,
  });
  const seenRuns = new Map<string, { runs: number; failures: number; lastRunAt: string | null }>();
  let sources: MetricsSources = {};

  /** Poller runs: from the counters when the pollers keep them, else one per new `lastRunAt` seen. */
  function recordPollers(list: PollerStatus[]): void {
    for (const p of list) {
      const seen = seenRuns.get(p.name) ?? { runs: 0, failures: 0, lastRunAt: null };
      if (p.runs !== undefined) {
        const failures = p.failures ?? 0;
        if (failures > seen.failures) {
          pollerRuns.inc({ poller: p.name, result: 'failed' }, failures - seen.failures);
        }
        const oks = p.runs - failures - (seen.runs - seen.failures);
        if (oks > 0) pollerRuns.inc({ poller: p.name, result: 'ok' }, oks);
        seenRuns.set(p.name, { runs: p.runs, failures, lastRunAt: p.lastRunAt ?? null });
      } else if (p.lastRunAt && p.lastRunAt !== seen.lastRunAt && !p.running) {
        const result = (p.lastResult ?? '').startsWith('ok') ? 'ok' : 'failed';
        pollerRuns.inc({ poller: p.name, result });
        seenRuns.set(p.name, { ...seen, lastRunAt: p.lastRunAt });
      }
      if (typeof p.lastDurationMs === 'number') {
        pollerDuration.set({ poller: p.name }, p.lastDurationMs / 1000);
      }
      if (p.lastSuccessAt) {
        pollerSuccess.set({ poller: p.name }, Date.parse(p.lastSuccessAt) / 1000);
      }
    }
  }

  async function attempt(part: string, fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch {
      scrapeErrors.inc({ part });
    }
  }

  async function refresh(): Promise<void> {
    const s = sources;
    await Promise.all([
      attempt('store', async () => {
        if (!s.counts) return;
        const c = await s.counts();
        parked.set(c.parked);
        deadOpen.set(c.deadLettersOpen);
        outboxPending.set(c.outboxPending);
        manualReview.set(c.manualReview);
        for (const [state, n] of Object.entries(c.tasksByState)) tasks.set({ state }, n);
      }),
      attempt('limiter', () => {
        if (!s.limiter) return;
        const l = s.limiter();
        limiterQueued.set(l.queued);
        limiterRunning.set(l.running);
        circuitOpen.set(l.circuit === 'open' ? 1 : l.circuit === 'half-open' ? 0.5 : 0);
      }),
      attempt('broker', async () => {
        if (s.broker) brokerUp.set(s.broker().connected ? 1 : 0);
        if (!s.queues) return;
        queueDepth.reset();
        queueConsumers.reset();
        for (const q of await s.queues()) {
          queueDepth.set({ queue: q.queue }, q.messages);
          queueConsumers.set({ queue: q.queue }, q.consumers);
        }
      }),
      attempt('pollers', () => {
        if (s.pollers) recordPollers(s.pollers());
      }),
    ]);
  }

  return {
    registry,
    throughput,
    /** Pipeline hook (`extend.onOutcome`). */
    onOutcome: (e: { source: string; type: string; outcome: string }): void => {
      eventsIn.inc(e);
      throughput.record(e.outcome);
      if (e.outcome === 'retried') retries.inc({ source: e.source, type: e.type });
      if (e.outcome === 'dead_lettered') deadLettered.inc({ source: e.source, type: e.type });
    },
    /** Agency client hook (`onRequest`). */
    onAgencyRequest: (e: {
      endpoint: string;
      method: string;
      status: number | null;
      durationMs: number;
      outcome: string;
    }): void => {
      agencyCalls.inc({
        endpoint: e.endpoint,
        method: e.method,
        status: e.status === null ? 'none' : String(e.status),
        outcome: e.outcome,
      });
      agencyLatency.observe({ endpoint: e.endpoint, method: e.method }, e.durationMs / 1000);
    },
    /** A publish to the outbound exchange (routing key `<source>.<type>`) was confirmed or failed. */
    onPublished: (routingKey: string, ok: boolean): void => {
      const dot = routingKey.indexOf('.');
      const source = dot > 0 ? routingKey.slice(0, dot) : 'unknown';
      const type = dot > 0 ? routingKey.slice(dot + 1) : routingKey;
      eventsOut.inc({ source, type, outcome: ok ? 'confirmed' : 'failed' });
    },
    /** HTTP ingress hook: events of one request confirmed by the broker. */
    onIngress: (source: string, count: number): void => {
      ingress.inc({ source }, count);
    },
    setSources(next: MetricsSources): void {
      sources = { ...sources, ...next };
    },
    render: async (): Promise<{ contentType: string; body: string }> => {
      await refresh();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type ConnectorMetrics = ReturnType<typeof createConnectorMetrics>;
