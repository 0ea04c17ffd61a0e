/**
 * Backpressure, not failure: while the agency answers 429, the connector stops taking messages
 * (they wait in the queue), nothing is dead-lettered, and everything is applied once the agency
 * accepts calls again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { composeConnector, type RunningConnector } from '../../../connector/compose.ts';
import { createLogger } from '../../../connector/logger.ts';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import { envelope, invoiceData, parseEvent } from '../../helpers/events.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfig } from '../../helpers/test-config.ts';

describe('backpressure during a 429 storm', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let sim: ReturnType<typeof createSimulator>;
  let agency: { baseUrl: string; close(): Promise<void> };
  let running: RunningConnector;

  beforeEach(async () => {
    bed = await openTestBed('bp', { recordBodies: false });
    ({ ns, raw, sim, agency } = bed);
    const config = testConfig(ns, agency.baseUrl);
    config.broker.prefetch = 5;
    running = await composeConnector(config, createLogger({ level: 'silent', pretty: 'never' }), {
      http: false,
    });
    await raw.waitForExchange(ns.agencyExchange);
  });

  afterEach(async () => {
    await running.stop();
    await bed.close();
  });

  it('pauses intake while refused, dead-letters nothing, drains afterwards', async () => {
    const results = await raw.collect(ns.agencyExchange, 'acme.#');
    sim.setFaults({ random429Rate: 1, retryAfterSeconds: 2 });
    const events = Array.from({ length: 40 }, (_, i) =>
      envelope('acme', 'invoice.created', invoiceData(String(810_000 + i))),
    );
    for (const e of events) await raw.publish(ns.erpExchange, e.routingKey, e.body, e.id);
    // Messages wait in the queue rather than flowing into retries or dead letters.
    await waitUntil(
      async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) >= 20,
      10_000,
      'a backlog',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const calls429 = sim.state().requestCounts['POST /invoice 429'] ?? 0;
    expect(calls429).toBeLessThan(40);
    expect(await raw.messageCount(`${ns.prefix}.dead-letter`)).toBe(0);
    sim.setFaults({ random429Rate: 0 });
    await waitUntil(() => results.messages.length >= events.length, 60_000, 'all accepted');
    const accepted = new Set(results.messages.map((m) => parseEvent(m.content).causationid));
    for (const e of events) expect(accepted.has(e.id)).toBe(true);
    expect(await raw.messageCount(`${ns.prefix}.dead-letter`)).toBe(0);
    for (const e of events)
      expect(sim.state().invoiceCreates[JSON.parse(e.body).data.invoiceNumber]?.committed).toBe(1);
  });
});
