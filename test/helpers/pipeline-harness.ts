/**
 * The inbound pipeline in process, without a broker: a real SQLite store (in memory), the real
 * agency client talking to the in-process simulator through `app.fetch`, the real mappings, and
 * a fake broker that records publishes, acks and delay-queue hops. `drain()` plays the broker:
 * it delivers what went to a delay queue or was released from the parked line, until quiet.
 */
import { createAgencyClient } from '../../adapters/agency/index.ts';
import { createSimulator, type SimulatorOptions } from '../../adapters/agency/simulator/index.ts';
import { createGenericAdapter } from '../../adapters/erp/generic/index.ts';
import { createAtomiaAdapter } from '../../adapters/erp/atomia/index.ts';
import { createStore, type Store } from '../../adapters/store/index.ts';
import { parseConfig, type ConnectorConfig } from '../../config/index.ts';
import { createLogger } from '../../connector/logger.ts';
import { agencyRequestValidators } from '../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../connector/mapping/mapping-port.ts';
import { TransportError } from '../../connector/errors.ts';
import { createInboundHandler } from '../../connector/pipeline/inbound-handler.ts';
import type { MappingPort } from '../../connector/pipeline/mapping-port.ts';
import { createOutboxRelay } from '../../connector/pipeline/outbox-relay.ts';
import type { InboundDelivery, PublishOptions } from '../../connector/pipeline/ports.ts';
import type { TestEvent } from './events.ts';
import { TEST_SELLER } from './test-config.ts';

export interface Published {
  exchange: string;
  routingKey: string;
  body: string;
  options: PublishOptions;
}

export interface DeliveryRecord {
  messageId: string | undefined;
  acked: boolean;
  nacked: boolean;
  requeued: boolean;
}

interface Pending {
  source?: string;
  replyTo?: string;
  correlationId?: string;
  body: Buffer;
  routingKey: string;
  headers: Record<string, unknown>;
  messageId: string | undefined;
}

export interface HarnessOptions {
  sim?: SimulatorOptions;
  /** A mapping port to reuse (compiling the mappings once saves time over many harnesses). */
  mapper?: MappingPort;
  config?: Record<string, unknown>;
  now?: () => Date;
}

export async function createHarness(options: HarnessOptions = {}) {
  const sim = createSimulator({ apiKeys: ['sim-key'], ...options.sim });
  const baseUrl = 'http://sim.test/api/v1/partner';
  const agency = createAgencyClient({
    baseUrl,
    apiKey: 'sim-key',
    rateLimit: { requestsPerSecond: 10_000, maxConcurrent: 50, instances: 1 },
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
    timeoutMs: 5000,
    circuit: { failureThreshold: 1000, openMs: 10 },
    fetch: async (input, init) => sim.app.fetch(new Request(input, init)),
  });
  const realStore: Store = await createStore('sqlite::memory:');
  /** Simulated crashes: the next commit (or the next commit that marks an event DONE) fails. */
  let failNext: 'any' | 'done' | null = null;
  const store: Store = {
    ...realStore,
    commit(changes) {
      const done = (changes.inbox ?? []).some((e) => e.state === 'DONE');
      if (failNext === 'any' || (failNext === 'done' && done)) {
        failNext = null;
        return Promise.reject(new TransportError('simulated crash before the commit'));
      }
      return realStore.commit(changes);
    },
  };
  const config: ConnectorConfig = parseConfig(
    {
      broker: { retryDelaysMs: [100, 200], maxAttempts: 4 },
      pipeline: { reconcileSettleMs: 0, parkMaxHours: 1 },
      sources: {
        acme: { seller: TEST_SELLER },
        billing: { adapter: 'atomia', seller: TEST_SELLER },
      },
      ...options.config,
    },
    { env: {} },
  );
  const published: Published[] = [];
  const delayed: Pending[] = [];
  const deliveries: DeliveryRecord[] = [];
  const replies: { to: string; correlationId: string; body: Record<string, unknown> }[] = [];
  let failPublishes = false;
  const publisher = {
    publish(exchange: string, routingKey: string, body: string, o: PublishOptions) {
      if (failPublishes) return Promise.reject(new Error('broker down'));
      published.push({ exchange, routingKey, body, options: o });
      return Promise.resolve();
    },
    sendToQueue(queue: string, body: string, o: PublishOptions) {
      published.push({ exchange: '', routingKey: queue, body, options: o });
      return Promise.resolve();
    },
  };
  const logger = createLogger({ level: 'silent', pretty: 'never' });
  const relay = createOutboxRelay({ store, publisher, logger });
  const handle = createInboundHandler({
    config,
    store,
    agency,
    mapper:
      options.mapper ??
      (await createMappingPort('mappings', { validators: agencyRequestValidators })),
    adapters: { generic: createGenericAdapter(), atomia: createAtomiaAdapter() },
    relay,
    retries: {
      publish(_source, d, originalRoutingKey, nextAttempt, _delayMs, extraHeaders = {}) {
        delayed.push({
          body: d.body,
          routingKey: originalRoutingKey,
          messageId: d.messageId,
          headers: {
            ...d.headers,
            ...extraHeaders,
            'x-connector-attempt': nextAttempt,
            'x-original-routing-key': originalRoutingKey,
          },
        });
        return Promise.resolve();
      },
    },
    logger,
    instanceId: 'harness',
    inboundQueue: (source) => `connector.${source}.inbound`,
    dlxExchange: 'connector.dlx',
    now: options.now ?? (() => new Date()),
    reply: (to, correlationId, body) => {
      replies.push({ to, correlationId, body: body as Record<string, unknown> });
      return Promise.resolve();
    },
  });

  async function deliverRaw(p: Pending): Promise<DeliveryRecord> {
    const record: DeliveryRecord = {
      messageId: p.messageId,
      acked: false,
      nacked: false,
      requeued: false,
    };
    deliveries.push(record);
    const delivery: InboundDelivery = {
      body: p.body,
      routingKey: p.routingKey,
      messageId: p.messageId,
      replyTo: p.replyTo,
      correlationId: p.correlationId,
      headers: p.headers,
      redelivered: false,
      ack: () => {
        record.acked = true;
      },
      nack: ({ requeue }) => {
        record.nacked = true;
        record.requeued = requeue;
      },
    };
    await handle(p.source ?? 'acme', delivery);
    return record;
  }

  let releasedSeen = 0;
  return {
    sim,
    store,
    config,
    published,
    delayed,
    deliveries,
    replies,
    /** Delivers a raw envelope to another source (e.g. the atomia `billing` source). */
    deliverTo(
      source: string,
      body: Record<string, unknown> & { type: string },
      amqp: { replyTo?: string; correlationId?: string } = {},
    ): Promise<DeliveryRecord> {
      return deliverRaw({
        source,
        body: Buffer.from(JSON.stringify(body)),
        routingKey: `${source}.${body.type}`,
        headers: {},
        messageId: typeof body.id === 'string' ? body.id : undefined,
        ...amqp,
      });
    },
    /** The next commit fails as if the process died before it ('done': after the agency call). */
    crashNextCommit(kind: 'any' | 'done') {
      failNext = kind;
    },
    setPublishFailing(v: boolean) {
      failPublishes = v;
    },
    deliver(event: TestEvent): Promise<DeliveryRecord> {
      return deliverRaw({
        body: Buffer.from(event.body),
        routingKey: event.routingKey,
        headers: {},
        messageId: event.id,
      });
    },
    deliverBody(routingKey: string, body: string, messageId?: string): Promise<DeliveryRecord> {
      return deliverRaw({ body: Buffer.from(body), routingKey, headers: {}, messageId });
    },
    /** Results on agency.events, parsed. */
    results(): { id: string; type: string; causationid?: string; data: Record<string, unknown> }[] {
      return published
        .filter((p) => p.exchange === config.broker.outboundExchange)
        .map((p) => JSON.parse(p.body) as never);
    },
    deadLetterCopies(): Published[] {
      return published.filter((p) => p.exchange === 'connector.dlx');
    },
    /** Plays the broker: delay-queue returns and parked releases, until nothing moves. */
    async drain(maxRounds = 50): Promise<void> {
      for (let round = 0; round < maxRounds; round += 1) {
        const released = published.slice(releasedSeen).filter((p) => p.exchange === '');
        releasedSeen = published.length;
        const batch: Pending[] = [
          ...delayed.splice(0),
          ...released.map((p) => ({
            body: Buffer.from(p.body),
            routingKey: p.routingKey,
            headers: p.options.headers ?? {},
            messageId: p.options.messageId,
          })),
        ];
        if (batch.length === 0) return;
        for (const p of batch) {
          // A delivery nacked with requeue comes back, as the broker would redeliver it.
          const record = await deliverRaw(p);
          if (record.nacked && record.requeued) delayed.push(p);
        }
      }
      throw new Error('pipeline did not quiesce');
    },
    async close(): Promise<void> {
      await relay.stop();
      await agency.close();
      await store.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
