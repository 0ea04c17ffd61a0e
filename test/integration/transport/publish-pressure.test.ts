/**
 * Publishing under pressure, on a private broker. The connector runs in a child process with the
 * product's memory flags (`connector-child.ts`), so the RSS figures are the connector's own, read
 * from /proc by the test, apart from the proxy, checker and simulator in the test process.
 *
 * A2 (RELIABILITY.md §4.3), backpressure: outbox rows published through the relay (many callers
 * at once, as handlers and pollers do) while the fault proxy caps the link at 64 kB/s. Pass: peak
 * in-flight unconfirmed ≤ the configured cap (`broker.maxInFlightPublishes`), RSS growth
 * < 100 MB, 0 lost (every row id in the ERP-side queue, every row SENT). CI form: 20,000 rows,
 * capped for the first 20 s, then the link is freed and the rest drains; FULL_FAULTS=1: 200,000
 * rows, capped throughout.
 *
 * R5 (§2.5), resource alarm: `set_vm_memory_high_watermark 0.00001` while results are being
 * published. Pass: the `blocked` event is observed; /readyz reports degraded during the block;
 * RSS growth < 50 MB; 0 lost after the alarm is reset (every event applied once and answered).
 * CI form: a 20 s alarm; FULL_FAULTS=1: 60 s.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { uniqueNamespace, waitUntil } from '../../helpers/amqp.ts';
import {
  faultSchedule,
  startPrivateBroker,
  type PrivateBroker,
} from '../../helpers/broker-control.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { openChecker, type Checker } from './checker.ts';
import { forkConnector, PRODUCT_NODE_FLAGS } from './connector-fork.ts';
import type { LogLine, TimelineEntry } from './harness.ts';
import {
  createEvents,
  expectedResult,
  invoiceNumbers,
  resultsByCause,
  rowId,
  tallyLedger,
} from './workload.ts';

const FULL = process.env.FULL_FAULTS === '1';
const A2_ROWS = FULL ? 200_000 : 20_000;
const A2_CAPPED_MS = FULL ? Number.POSITIVE_INFINITY : 20_000;
const BANDWIDTH = 64_000;
const R5_ALARM_MS = FULL ? 60_000 : 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface A2Result {
  cap: number;
  peakInFlight: number;
  incompleteCalls: number;
  calls: number;
  failures: number;
  callsDoneMs: number;
  allSentMs: number;
}

describe('publishing under pressure (private broker)', () => {
  let pb: PrivateBroker;
  let proxy: FaultProxy;
  let checker: Checker;
  const schedule = faultSchedule('A2/R5');

  beforeAll(async () => {
    pb = await startPrivateBroker({ label: 'pressure' });
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: pb.port } });
    checker = openChecker(pb.url);
  }, 120_000);
  afterAll(async () => {
    await checker?.close();
    await proxy?.close();
    await pb?.stop();
  }, 60_000);

  it(
    `A2: ${A2_ROWS} outbox rows over a 64 kB/s link: in-flight ≤ cap, RSS +< 100 MB, 0 lost`,
    { timeout: FULL ? 3_600_000 : 240_000 },
    async () => {
      onTestFailed(() => console.error(`[A2] failed: ${schedule.describe()}`));
      const ns = uniqueNamespace('a2');
      const sim = createSimulator({ apiKeys: ['sim-key'], recordBodies: false });
      const agency = await sim.listen({ port: 0 });
      // The connector in a child process with the product's memory flags: its RSS is its own.
      const child = await forkConnector();
      let sampler: NodeJS.Timeout | null = null;
      let liftTimer: NodeJS.Timeout | null = null;
      try {
        await child.call('start', {
          options: {
            ns,
            brokerUrl: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
            agencyBaseUrl: agency.baseUrl,
          },
        });
        await waitUntil(
          async () => (await child.call<{ healthy: boolean }>('status')).healthy,
          30_000,
          'connector up',
        );
        const resultsQueue = await checker.bindResults(ns);
        proxy.set({ bandwidth: BANDWIDTH });
        const runId = ns.id;
        const loaded = child.call<A2Result>('publishRows', {
          runId,
          rows: A2_ROWS,
          callers: 8,
          rowsPerCall: 500,
        });
        await waitUntil(
          () => child.events.some((e) => e.event === 'rows-ready'),
          120_000,
          'rows in the store',
        );
        const start = Date.now();
        const baseline = child.rssMb();
        let peakRss = baseline;
        sampler = setInterval(() => (peakRss = Math.max(peakRss, child.rssMb())), 100);
        const bytesAtStart = proxy.stats().bytesUp;
        let lifted: { at: number; bytes: number } | null = null;
        const lift = () => {
          lifted ??= { at: Date.now(), bytes: proxy.stats().bytesUp - bytesAtStart };
          proxy.clear();
        };
        if (Number.isFinite(A2_CAPPED_MS)) liftTimer = setTimeout(lift, A2_CAPPED_MS);
        const result = await loaded;
        lift();
        clearInterval(sampler);
        sampler = null;
        const cappedS = (lifted!.at - start) / 1000;

        const ids = await checker.collectIds(resultsQueue, (s) => s.size >= A2_ROWS, 180_000);
        let lost = 0;
        for (let i = 0; i < A2_ROWS; i++) if (!ids.has(rowId(runId, i))) lost += 1;
        const { cap } = result;
        const line =
          `[A2] ${A2_ROWS} rows, link capped at ${BANDWIDTH / 1000} kB/s for ${Math.round(cappedS)} s ` +
          `(${Math.round(lifted!.bytes / Math.max(1, cappedS) / 1000)} kB/s measured upstream): ` +
          `peak in-flight unconfirmed ${result.peakInFlight} (cap ${cap}); connector RSS ${Math.round(baseline)} → peak ` +
          `${Math.round(peakRss)} MB (+${Math.round(peakRss - baseline)} MB, child with ${PRODUCT_NODE_FLAGS.join(' ')}); ` +
          `calls not fully confirmed ${result.incompleteCalls}/${result.calls} (timed out waiting, re-sent by the sweep); ` +
          `relay failures ${result.failures}; calls done ${Math.round(result.callsDoneMs / 1000)} s, all sent ${Math.round(result.allSentMs / 1000)} s; ` +
          `distinct ids at the ERP side ${ids.size}; lost ${lost}`;
        console.log(line);
        expect(child.events.filter((e) => e.event === 'unhandledRejection')).toEqual([]);
        expect(result.peakInFlight).toBeGreaterThan(0);
        expect(result.peakInFlight).toBeLessThanOrEqual(cap);
        expect(peakRss - baseline).toBeLessThan(100);
        expect(lost).toBe(0);
      } finally {
        if (sampler) clearInterval(sampler);
        if (liftTimer) clearTimeout(liftTimer);
        proxy.clear();
        await child.stop();
        await agency.close();
        await checker.deleteNamespace(ns);
      }
    },
  );

  it(
    `R5: memory alarm for ${R5_ALARM_MS / 1000} s while results are published: blocked seen, readiness degraded, RSS +< 50 MB, 0 lost`,
    { timeout: FULL ? 400_000 : 180_000 },
    async () => {
      onTestFailed(() => console.error(`[R5] failed: ${schedule.describe()}`));
      const ns = uniqueNamespace('r5');
      const sim = createSimulator({
        apiKeys: ['sim-key'],
        seed: schedule.seed,
        recordBodies: false,
        faults: { latencyMs: [200, 400] },
      });
      const agency = await sim.listen({ port: 0 });
      const child = await forkConnector();
      let alarmOn = false;
      let sampler: NodeJS.Timeout | null = null;
      try {
        await child.call('start', {
          options: { ns, brokerUrl: pb.url, agencyBaseUrl: agency.baseUrl },
        });
        await waitUntil(
          async () => (await child.call<{ healthy: boolean }>('status')).healthy,
          30_000,
          'connector up',
        );
        const timeline = () => child.call<TimelineEntry[]>('timeline');
        const resultsQueue = await checker.bindResults(ns);
        const events = createEvents(invoiceNumbers(700_000, FULL ? 2_000 : 800));
        await checker.publish(ns.erpExchange, events);
        const delayMs = Math.round(schedule.between(1_000, 3_000));
        schedule.note(`alarm at +${delayMs} ms`);
        await sleep(delayMs);

        const baseline = child.rssMb();
        let peakRss = baseline;
        sampler = setInterval(() => (peakRss = Math.max(peakRss, child.rssMb())), 100);
        const alarmAt = Date.now();
        await pb.memoryAlarm(true);
        alarmOn = true;
        let blockedAt = 0;
        await waitUntil(
          async () => {
            blockedAt =
              (await timeline()).find((e) => e.event === 'blocked' && e.at >= alarmAt)?.at ?? 0;
            return blockedAt > 0;
          },
          15_000,
          'blocked event',
        );
        const readiness: { status: number; broker: string | undefined }[] = [];
        while (Date.now() - alarmAt < R5_ALARM_MS) {
          const r = await child.call<{ status: number; body: { checks: Record<string, string> } }>(
            'readyz',
          );
          readiness.push({ status: r.status, broker: r.body.checks.broker });
          await sleep(500);
        }
        const doneDuringAlarm = tallyLedger(sim, events).committed;
        const pendingAtReset = (await child.call<{ outboxPending: number }>('counts'))
          .outboxPending;
        const resetAt = Date.now();
        await pb.memoryAlarm(false);
        alarmOn = false;
        await waitUntil(
          async () => (await timeline()).some((e) => e.event === 'unblocked' && e.at >= resetAt),
          15_000,
          'unblocked event',
        );
        const results: { messageId: string; body: string }[] = [];
        const unanswered = () => {
          const byCause = resultsByCause(results);
          return events.filter((e) => !byCause.get(e.id)?.has(expectedResult(e))).length;
        };
        await waitUntil(
          async () => {
            results.push(...(await checker.take(resultsQueue)));
            return tallyLedger(sim, events).lost.length === 0 && unanswered() === 0;
          },
          120_000,
          'every event applied and answered',
        );
        const drainedMs = Date.now() - resetAt;
        clearInterval(sampler);
        sampler = null;
        const tally = tallyLedger(sim, events);
        const degraded = readiness.filter((r) => r.status === 503 && r.broker === 'blocked').length;
        const blockedLogs = await child.call<LogLine[]>('logs', {
          msg: 'amqp connection blocked by the broker',
        });
        const line =
          `[R5] memory alarm ${R5_ALARM_MS / 1000} s: blocked event ${blockedAt - alarmAt} ms after the alarm ` +
          `(${blockedLogs.map((l) => l.link).join(',')} link logged); /readyz degraded ${degraded}/${readiness.length} samples during the block; ` +
          `events applied during the alarm ${doneDuringAlarm}/${events.length}, outbox pending at reset ${pendingAtReset}; ` +
          `all answered ${Math.round(drainedMs / 1000)} s after the reset; connector RSS ${Math.round(baseline)} → peak ` +
          `${Math.round(peakRss)} MB (+${Math.round(peakRss - baseline)} MB, child with ${PRODUCT_NODE_FLAGS.join(' ')}); ` +
          `lost ${tally.lost.length}; duplicated ${tally.duplicated.length}; results ${results.length}`;
        console.log(line);
        expect(child.events.filter((e) => e.event === 'unhandledRejection')).toEqual([]);
        expect(blockedLogs.length).toBeGreaterThan(0);
        expect(degraded).toBeGreaterThan(0);
        // Once blocked, every readiness sample says so.
        expect(readiness.filter((r) => r.status === 200).length).toBe(0);
        expect(peakRss - baseline).toBeLessThan(50);
        expect(tally.lost).toEqual([]);
        expect(tally.duplicated).toEqual([]);
      } finally {
        if (sampler) clearInterval(sampler);
        if (alarmOn) await pb.memoryAlarm(false).catch(() => undefined);
        await child.stop();
        await agency.close();
        await checker.deleteNamespace(ns);
      }
    },
  );
});
