/**
 * The pipeline harness plus the pollers and the debt-collection service, all in process on the
 * simulator's clock: events the ERP receives are read from the harness's `published` list.
 */
import { createAgencyClient } from '../../../adapters/agency/index.ts';
import type { SimulatorOptions } from '../../../adapters/agency/simulator/index.ts';
import { createTaskService } from '../../../connector/debt-collection/index.ts';
import { createLogger } from '../../../connector/logger.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { createOutboxRelay } from '../../../connector/pipeline/outbox-relay.ts';
import { createPollers } from '../../../connector/pollers/index.ts';
import { createHarness } from '../../helpers/pipeline-harness.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';

export const START = new Date('2026-11-23T09:00:00Z');

export async function createPollerHarness(
  options: { sim?: SimulatorOptions; config?: Record<string, unknown> } = {},
) {
  const h = await createHarness({
    sim: { now: START, ...options.sim },
    config: options.config,
    now: () => h.sim.clock.now(),
  });
  const agency = createAgencyClient({
    baseUrl: 'http://sim.test/api/v1/partner',
    apiKey: 'sim-key',
    rateLimit: { requestsPerSecond: 100_000, maxConcurrent: 50, instances: 1 },
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1000 },
    timeoutMs: 5000,
    circuit: { failureThreshold: 1000, openMs: 10 },
    fetch: async (input, init) => h.sim.app.fetch(new Request(input, init)),
  });
  const mapper = await createMappingPort('mappings', { validators: agencyRequestValidators });
  const logger = createLogger({ level: 'silent', pretty: 'never' });
  const relay = createOutboxRelay({
    store: h.store,
    publisher: {
      publish(exchange, routingKey, body, o) {
        h.published.push({ exchange, routingKey, body, options: o });
        return Promise.resolve();
      },
      sendToQueue(queue, body, o) {
        h.published.push({ exchange: '', routingKey: queue, body, options: o });
        return Promise.resolve();
      },
    },
    logger,
  });
  const now = () => h.sim.clock.now();
  const tasks = createTaskService({
    store: h.store,
    agency,
    mapper,
    config: h.config,
    logger,
    now,
    relay,
  });
  const pollers = createPollers({
    store: h.store,
    agency,
    mapper,
    relay,
    config: h.config,
    logger,
    now,
    instanceId: 'test-instance',
    inboundQueue: (source) => `connector.${source}.inbound`,
    tasks,
  });
  const out = h.config.broker.outboundExchange;
  return {
    ...h,
    agency,
    pollers,
    tasks,
    /** Events published to the ERP, in order, optionally of some types only. */
    erpEvents(...types: string[]) {
      return h.published
        .filter((p) => p.exchange === out)
        .map(
          (p) => JSON.parse(p.body) as { id: string; type: string; data: Record<string, unknown> },
        )
        .filter((e) => types.length === 0 || types.includes(e.type));
    },
    async createInvoice(number: string, overrides: Record<string, unknown> = {}) {
      const today = now().toISOString().slice(0, 10);
      const due = new Date(now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
      const record = await h.deliver(
        envelope(
          'acme',
          'invoice.created',
          invoiceData(number, { invoiceDate: today, dueDate: due, ...overrides }),
        ),
      );
      if (!record.acked) throw new Error(`create of ${number} not acked`);
    },
    async close() {
      await pollers.stop();
      await agency.close();
      await h.close();
    },
  };
}

export type PollerHarness = Awaited<ReturnType<typeof createPollerHarness>>;
