/** Metrics on a registry of their own; readiness stall rule; the masking helpers. */
import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createReadiness, type ConsumerSnapshot } from '../../../connector/http/readiness.ts';
import { createConnectorMetrics } from '../../../connector/metrics/index.ts';
import { initials, lastFour, maskBody } from '../../../connector/ops/mask.ts';
import { createHarness, OPS_TOKEN } from './harness.ts';

describe('metrics', () => {
  it('counts outcomes, agency calls, publishes and reads state at scrape time', async () => {
    const m = createConnectorMetrics();
    m.onOutcome({ source: 'acme', type: 'invoice.created', outcome: 'done' });
    m.onOutcome({ source: 'acme', type: 'invoice.created', outcome: 'dead_lettered' });
    m.onAgencyRequest({
      endpoint: '/invoice',
      method: 'POST',
      status: 201,
      durationMs: 120,
      outcome: 'ok',
    });
    m.onPublished('acme.invoice.accepted', true);
    m.setSources({
      counts: () =>
        Promise.resolve({
          outboxPending: 1,
          parked: 2,
          deadLettersOpen: 3,
          manualReview: 0,
          tasksByState: { PENDING_APPROVAL: 4, APPROVED: 0, SENT: 0, COLLECTED: 0, CANCELLED: 0 },
        }),
      limiter: () => ({ queued: 7, running: 1, pausedUntil: null, circuit: 'closed' }),
      queues: () =>
        Promise.resolve([{ queue: 'connector.acme.inbound', messages: 12, consumers: 1 }]),
      pollers: () => [
        {
          name: 'cases',
          runs: 3,
          failures: 1,
          lastDurationMs: 1500,
          lastSuccessAt: '2026-11-23T10:00:00Z',
        },
      ],
    });
    const { body, contentType } = await m.render();
    expect(contentType).toContain('text/plain');
    for (const line of [
      'connector_events_in_total{source="acme",type="invoice.created",outcome="done"} 1',
      'connector_dead_lettered_total{source="acme",type="invoice.created"} 1',
      'connector_agency_requests_total{endpoint="/invoice",method="POST",status="201",outcome="ok"} 1',
      'connector_agency_request_duration_seconds_count{endpoint="/invoice",method="POST"} 1',
      'connector_events_out_total{source="acme",type="invoice.accepted",outcome="confirmed"} 1',
      'connector_dead_letters_open 3',
      'connector_debt_collection_tasks{state="PENDING_APPROVAL"} 4',
      'connector_agency_limiter_queued 7',
      'connector_queue_messages{queue="connector.acme.inbound"} 12',
      'connector_poller_runs_total{poller="cases",result="ok"} 2',
      'connector_poller_runs_total{poller="cases",result="failed"} 1',
      'process_cpu_user_seconds_total',
    ]) {
      expect(body).toContain(line);
    }
    expect(await register.metrics()).not.toContain('connector_');
    expect(m.throughput.series().at(-1)).toMatchObject({ events: 2, errors: 1 });
  });

  it('is served at /metrics', async () => {
    const h = await createHarness();
    const res = await h.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('connector_events_in_total');
    await h.close();
    void OPS_TOKEN;
  });
});

describe('readiness stall rule', () => {
  it('is not ready when messages wait and the consumer handled none for longer than stallMs', async () => {
    let t = 0;
    let depth = 5;
    const consumer: ConsumerSnapshot = {
      queue: 'q',
      alive: true,
      paused: false,
      lastDeliveryAt: null,
      inFlight: 0,
    };
    const ready = createReadiness({
      base: () => Promise.resolve({ ready: true, checks: { broker: 'ok', consumers: 'ok' } }),
      consumers: () => [consumer],
      depth: () => Promise.resolve(depth),
      stallMs: 1000,
      now: () => t,
    });
    expect((await ready()).ready).toBe(true);
    t = 1500;
    expect(await ready()).toEqual({
      ready: false,
      checks: { broker: 'ok', consumers: '1 consumer(s) stalled' },
    });
    consumer.lastDeliveryAt = 1400;
    expect((await ready()).ready).toBe(true);
    consumer.paused = true;
    t = 10_000;
    expect((await ready()).ready).toBe(true);
    consumer.paused = false;
    depth = 0;
    expect((await ready()).ready).toBe(true);
  });
});

describe('masking', () => {
  it('keeps initials and last four', () => {
    expect(initials('Jane Quinn Doe')).toBe('J. Q. D.');
    expect(lastFour('010190-123A')).toBe('•••123A');
    expect(lastFour('123')).toBe('•••');
    expect(maskBody('not json')).toMatch(/hidden/);
    expect(maskBody('{"CustomerEmail":"a@b.example","amount":"10.00"}')).toContain(
      '"amount": "10.00"',
    );
  });
});

describe('deploy/grafana-dashboard.json', () => {
  it('only queries metrics the connector exports', async () => {
    const { readFileSync } = await import('node:fs');
    const exprs = [
      ...readFileSync('deploy/grafana-dashboard.json', 'utf8').matchAll(/"expr": "([^"]+)"/g),
    ].map((m) => m[1]!);
    const used = new Set(
      exprs.flatMap((e) =>
        [...e.matchAll(/\b((?:connector|process)_[a-z_]+)/g)].map((m) =>
          m[1]!.replace(/_bucket$/, ''),
        ),
      ),
    );
    const m = createConnectorMetrics();
    m.onAgencyRequest({ endpoint: '/x', method: 'GET', status: 200, durationMs: 1, outcome: 'ok' });
    const names = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    for (const name of used)
      expect(names.has(name) || names.has(name.replace(/_total$/, '')), name).toBe(true);
  });
});

describe('poller runs without counters', () => {
  it('counts one run per new lastRunAt', async () => {
    const m = createConnectorMetrics({ processMetrics: false });
    let status = {
      name: 'payments',
      lastRunAt: '2026-11-23T07:00:00Z',
      lastResult: 'ok',
      running: false,
    };
    m.setSources({ pollers: () => [status] });
    await m.render();
    await m.render();
    status = { ...status, lastRunAt: '2026-11-24T07:00:00Z', lastResult: 'failed: agency' };
    const { body } = await m.render();
    expect(body).toContain('connector_poller_runs_total{poller="payments",result="ok"} 1');
    expect(body).toContain('connector_poller_runs_total{poller="payments",result="failed"} 1');
  });
});
