/**
 * A3 (stale acks) and A4 (consumer cancel) of RELIABILITY.md §4.3, on a private broker with the
 * connector in process.
 *
 * A3: 20 payments are mid-handler (the agency answers after 3 s) when the fault proxy resets the
 * connector's connections. Pass: 0 `unknown delivery tag` channel errors (connector logs and the
 * broker's own log); the 20 are redelivered and deduped: one committed effect each.
 *
 * A4: the inbound queue is deleted under the consumer. Pass: the `null` delivery is handled
 * (consumer-cancelled), /readyz says not ready within 5 s, consumption resumes within 10 s of the
 * queue being declared again (the connector re-declares it), one consumer afterwards.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { uniqueNamespace, waitUntil, type Namespace } from '../../helpers/amqp.ts';
import {
  faultSchedule,
  startPrivateBroker,
  type PrivateBroker,
} from '../../helpers/broker-control.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { openChecker, type Checker } from './checker.ts';
import { startHarness, type Harness } from './harness.ts';
import { createEvents, invoiceNumbers, paymentEvents, tallyLedger } from './workload.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('consumer faults (private broker)', () => {
  let pb: PrivateBroker;
  let proxy: FaultProxy;
  let checker: Checker;
  const schedule = faultSchedule('A3/A4');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    pb = await startPrivateBroker({ label: 'a34' });
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: pb.port } });
    checker = openChecker(pb.url);
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await checker?.close();
    await proxy?.close();
    await pb?.stop();
  }, 60_000);

  async function setup(label: string, viaProxy: boolean, logLevel: 'debug' | 'info' = 'info') {
    const ns: Namespace = uniqueNamespace(label);
    const sim = createSimulator({
      apiKeys: ['sim-key'],
      seed: schedule.seed,
      recordBodies: false,
      lifecycle: { applyActionsImmediately: true },
    });
    const agency = await sim.listen({ port: 0 });
    const h: Harness = await startHarness({
      ns,
      brokerUrl: viaProxy ? `amqp://guest:guest@127.0.0.1:${proxy.port}` : pb.url,
      agencyBaseUrl: agency.baseUrl,
      heartbeatSeconds: 5,
      logLevel,
    });
    await waitUntil(() => h.healthy(), 30_000, 'connector up');
    const results = await checker.bindResults(ns);
    return {
      ns,
      sim,
      h,
      results,
      async close() {
        await h.stop();
        await agency.close();
        await checker.deleteNamespace(ns);
      },
    };
  }

  it(
    'A3: a reconnect while 20 deliveries are mid-handler: no unknown-tag errors, one effect each',
    { timeout: 90_000 },
    async () => {
      onTestFailed(() => console.error(`[A3] failed: ${schedule.describe()}`));
      const t = await setup('a3', true, 'debug');
      const before = unhandled.length;
      try {
        const numbers = invoiceNumbers(300_000, 20);
        const creates = createEvents(numbers);
        await checker.publish(t.ns.erpExchange, creates);
        await waitUntil(() => tallyLedger(t.sim, creates).lost.length === 0, 30_000, 'invoices');
        await waitUntil(() => t.h.outcomes.length >= 20, 10_000, 'creates acked');

        t.sim.setFaults({ latencyMs: 3_000 });
        const payments = paymentEvents(numbers);
        await checker.publish(t.ns.erpExchange, payments);
        const inbound = `${t.ns.prefix}.acme.inbound`;
        await waitUntil(
          () => t.h.broker.consumerStats(inbound)?.inFlight === 20,
          15_000,
          '20 deliveries mid-handler',
        );
        const waitMs = Math.round(schedule.between(200, 1_500));
        schedule.note(`reset ${waitMs} ms into the agency calls`);
        await sleep(waitMs);
        const cutAt = Date.now();
        proxy.resetAll();
        await waitUntil(
          () =>
            t.h.timeline.some(
              (e) => e.event === 'connected' && e.link === 'consume' && e.at > cutAt,
            ),
          15_000,
          'consume link back',
        );
        t.sim.setFaults({ latencyMs: 0 });
        await waitUntil(
          () => tallyLedger(t.sim, payments).lost.length === 0,
          30_000,
          'payments applied',
        );
        await waitUntil(async () => (await checker.depth(inbound)) === 0, 30_000, 'queue empty');
        await waitUntil(
          () => t.h.broker.consumerStats(inbound)?.inFlight === 0,
          30_000,
          'handlers done',
        );
        const tally = tallyLedger(t.sim, payments);
        const paymentOutcomes = t.h.outcomes.filter((o) => o.type === 'invoice.payment_received');
        const done = paymentOutcomes.filter((o) => o.outcome === 'done').length;
        const dupes = paymentOutcomes.filter((o) => o.outcome === 'duplicate').length;
        const stale = t.h.logs.filter((l) => l.msg.startsWith('stale delivery')).length;
        const unknownTag = t.h.logs.filter((l) =>
          /unknown delivery tag/iu.test(`${l.msg} ${l.err ?? ''}`),
        ).length;
        const brokerUnknownTag = (pb.logText().match(/unknown delivery tag/giu) ?? []).length;
        const channelErrors = t.h.logs.filter(
          (l) => l.msg === 'amqp consumer channel error',
        ).length;
        const line =
          `[A3] reset with 20 mid-handler: stale settles dropped ${stale}; redelivered and deduped ${dupes}; ` +
          `done ${done}; committed effects ${tally.committed}/20 (duplicated ${tally.duplicated.length}, resent ${tally.resent}); ` +
          `unknown-tag errors: connector ${unknownTag}, broker log ${brokerUnknownTag}; consumer channel errors ${channelErrors}`;
        console.log(line);
        expect(unhandled.slice(before)).toEqual([]);
        expect(unknownTag).toBe(0);
        expect(brokerUnknownTag).toBe(0);
        expect(tally.lost).toEqual([]);
        expect(tally.duplicated).toEqual([]);
        expect(stale).toBe(20);
        expect(done + dupes).toBeGreaterThanOrEqual(40); // each handled twice: once applied, once deduped
        expect(done).toBe(20);
      } finally {
        await t.close();
      }
    },
  );

  it(
    'A4: inbound queue deleted while consuming: not ready ≤ 5 s, resumes ≤ 10 s after re-declare',
    { timeout: 90_000 },
    async () => {
      onTestFailed(() => console.error(`[A4] failed: ${schedule.describe()}`));
      const t = await setup('a4', false);
      const before = unhandled.length;
      try {
        const inbound = `${t.ns.prefix}.acme.inbound`;
        const first = createEvents(invoiceNumbers(400_000, 30));
        await checker.publish(t.ns.erpExchange, first);
        await waitUntil(() => tallyLedger(t.sim, first).lost.length === 0, 30_000, 'first batch');
        await waitUntil(async () => (await t.h.readyz()).status === 200, 10_000, 'ready');

        // Readiness as a probe sees it: sampled continuously, and once at the cancel itself.
        const samples: { at: number; status: number }[] = [];
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const r = await t.h.readyz();
            samples.push({ at: Date.now(), status: r.status });
            await sleep(10);
          }
        })();
        let atCancel: Promise<number> | null = null;
        const off = t.h.broker.on('consumer-cancelled', () => {
          atCancel ??= t.h.readyz().then((r) => r.status);
        });
        const deletedAt = Date.now();
        await checker.deleteQueue(inbound);
        await waitUntil(() => atCancel !== null, 5_000, 'consumer-cancelled (null delivery)');
        const cancelledAt = t.h.timeline.find((e) => e.event === 'consumer-cancelled')!.at;
        // The connector declares the queue again itself (topology re-asserted before re-consuming).
        await waitUntil(
          async () => (await checker.exists(inbound)) && t.h.healthy(),
          10_000,
          'queue re-declared and consumed',
        );
        const redeclaredAt = Date.now();
        const second = createEvents(invoiceNumbers(410_000, 30));
        await checker.publish(t.ns.erpExchange, second);
        await waitUntil(
          () => tallyLedger(t.sim, second).committed > 0,
          10_000,
          'consumption resumed',
        );
        const resumedAt = Date.now();
        await waitUntil(() => tallyLedger(t.sim, second).lost.length === 0, 30_000, 'second batch');
        await waitUntil(async () => (await t.h.readyz()).status === 200, 10_000, 'ready again');
        sampling = false;
        await sampler;
        off();
        const statusAtCancel = await atCancel!;
        const notReady = samples.filter((s) => s.status !== 200 && s.at >= deletedAt);
        const firstNotReady = Math.min(
          ...(statusAtCancel !== 200 ? [cancelledAt] : []),
          ...notReady.map((s) => s.at),
        );
        const notReadyMs = firstNotReady - deletedAt;
        const consumers = (await pb.listConsumers()).filter((c) => c.queue.startsWith(t.ns.prefix));
        const line =
          `[A4] queue deleted: cancel seen after ${cancelledAt - deletedAt} ms; readyz ${statusAtCancel} at the cancel, ` +
          `not ready after ${notReadyMs} ms (${notReady.length} of ${samples.length} samples 503); ` +
          `re-declared and consuming after ${redeclaredAt - deletedAt} ms; first new event applied ${resumedAt - redeclaredAt} ms after; ` +
          `consumers afterwards ${consumers.length}`;
        console.log(line);
        expect(unhandled.slice(before)).toEqual([]);
        expect(t.h.logs.some((l) => l.msg === 'amqp consumer cancelled by the broker')).toBe(true);
        expect(notReadyMs).toBeLessThanOrEqual(5_000);
        expect(resumedAt - redeclaredAt).toBeLessThanOrEqual(10_000);
        expect(consumers.map((c) => c.queue)).toEqual([inbound]);
      } finally {
        await t.close();
      }
    },
  );
});
