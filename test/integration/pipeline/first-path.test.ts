/**
 * The first path end to end on the real RabbitMQ against the in-process simulator:
 * invoice.created → POST /invoice → invoice.accepted; a poison message → dead-letter queue with
 * its reason; a duplicate id → no second agency call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { composeConnector, type RunningConnector } from '../../../connector/compose.ts';
import { createLogger } from '../../../connector/logger.ts';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import { envelope, invoiceData, parseEvent } from '../../helpers/events.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfig } from '../../helpers/test-config.ts';

describe('first path: invoice.created → agency → invoice.accepted', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let sim: ReturnType<typeof createSimulator>;
  let agency: { baseUrl: string; close(): Promise<void> };
  let running: RunningConnector;

  beforeEach(async () => {
    bed = await openTestBed('first');
    ({ ns, raw, sim, agency } = bed);
    running = await composeConnector(
      testConfig(ns, agency.baseUrl),
      createLogger({ level: 'silent', pretty: 'never' }),
      {
        http: false,
      },
    );
    await waitUntil(
      async () => (await running.connector.readiness()).checks.consumers === 'ok',
      10_000,
      'consumer',
    );
  });

  afterEach(async () => {
    await running.stop();
    await bed.close();
  });

  it('creates the invoice once and tells the ERP, with causationid', async () => {
    const results = await raw.collect(ns.agencyExchange, 'acme.#');
    const event = envelope('acme', 'invoice.created', invoiceData('100234'));
    await raw.publish(ns.erpExchange, event.routingKey, event.body, event.id);
    await waitUntil(() => results.messages.length >= 1, 15_000, 'invoice.accepted');
    const accepted = results.messages[0]!;
    expect(accepted.fields.routingKey).toBe('acme.invoice.accepted');
    const body = parseEvent(accepted.content);
    expect(body.type).toBe('invoice.accepted');
    expect(body.causationid).toBe(event.id);
    expect(body.data.invoiceNumber).toBe('100234');
    expect(accepted.properties.messageId).toBe(body.id);
    expect(sim.state().invoiceCreates['100234']).toEqual({ received: 1, committed: 1 });
    await waitUntil(
      async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
      5000,
      'queue drained',
    );
  });

  it('answers a duplicate id again without a second agency call', async () => {
    const results = await raw.collect(ns.agencyExchange, 'acme.#');
    const event = envelope('acme', 'invoice.created', invoiceData('100235'));
    await raw.publish(ns.erpExchange, event.routingKey, event.body, event.id);
    await waitUntil(() => results.messages.length >= 1, 15_000, 'first result');
    await raw.publish(ns.erpExchange, event.routingKey, event.body, event.id);
    await waitUntil(() => results.messages.length >= 2, 15_000, 'second result');
    const ids = results.messages.map((m) => m.properties.messageId as string);
    expect(new Set(ids).size).toBe(1);
    expect(sim.state().invoiceCreates['100235']).toEqual({ received: 1, committed: 1 });
  });

  it('dead-letters a poison message with its reason and keeps consuming', async () => {
    const dead = await raw.collect(`${ns.prefix}.dlx`, '#');
    const results = await raw.collect(ns.agencyExchange, 'acme.#');
    await raw.publish(
      ns.erpExchange,
      'acme.invoice.created',
      '{"specversion":"1.0", nope',
      'poison-1',
    );
    const bad = envelope('acme', 'invoice.created', invoiceData('100236', { currency: 'EURO' }));
    await raw.publish(ns.erpExchange, bad.routingKey, bad.body, bad.id);
    const good = envelope('acme', 'invoice.created', invoiceData('100237'));
    await raw.publish(ns.erpExchange, good.routingKey, good.body, good.id);
    await waitUntil(() => dead.messages.length >= 2, 15_000, 'two dead letters');
    await waitUntil(
      () => results.messages.some((m) => parseEvent(m.content).causationid === good.id),
      15_000,
      'good one',
    );
    const reasons = dead.messages.map(
      (m) => m.properties.headers?.['x-dead-letter-reason'] as string,
    );
    expect(reasons).toEqual(['invalid_message', 'invalid_message']);
    const rejected = results.messages
      .map((m) => parseEvent(m.content))
      .find((e) => e.type === 'invoice.rejected');
    expect(rejected?.causationid).toBe(bad.id);
    expect(JSON.stringify(rejected?.data.errors)).toContain('data.currency');
  });
});
