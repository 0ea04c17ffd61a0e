/**
 * A1, the connection-loss matrix (RELIABILITY.md §4.3), on a private broker with the connector
 * in process reaching it through the fault proxy, while invoice creates and payments flow
 * through the pipeline to the simulator:
 *   (a) rabbitmqctl close_all_connections   (b) broker SIGKILL, then restart on the same data
 *   (c) broker SIGSTOP, then SIGCONT        (d) blackhole   (e) TCP reset   (f) cut mid-frame
 * (d) and (e) use the fault proxy instead of netns + iptables/nft (not installed here): the
 * proxy's blackhole holds every byte and close with the sockets left open (what a DROP rule
 * does to an established connection), its reset sends RST on both sides.
 *
 * Pass: 0 crashes and 0 unhandled rejections; reconnect ≤ 10 s after the fault ends; detection
 * in (c) and (d) ≤ 2 × heartbeat + 5 s; 0 lost and 0 duplicated at the agency; a result for
 * every event; exactly one live consumer on the inbound queue afterwards (rabbitmqctl).
 *
 * CI form: each fault once, 500 events, heartbeat 4 s (amqplib declares the peer dead on the
 * second silent check, 2–3 heartbeats after the last frame, so 4 s keeps the worst case inside
 * 2 × heartbeat + 5 s), SIGSTOP and blackhole 15 s. FULL_FAULTS=1: 5 runs each, heartbeat 15 s,
 * SIGSTOP 60 s, blackhole 90 s.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { uniqueNamespace, waitUntil } from '../../helpers/amqp.ts';
import {
  faultSchedule,
  startPrivateBroker,
  type FaultSchedule,
  type PrivateBroker,
} from '../../helpers/broker-control.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { openChecker, type Checker } from './checker.ts';
import { startHarness, type Harness } from './harness.ts';
import {
  createEvents,
  expectedResult,
  invoiceNumbers,
  paymentEvents,
  resultsByCause,
  tallyLedger,
} from './workload.ts';

const FULL = process.env.FULL_FAULTS === '1';
const HEARTBEAT_S = FULL ? 15 : 4;
const STOP_MS = FULL ? 60_000 : 15_000;
const BLACKHOLE_MS = FULL ? 90_000 : 15_000;
const RUNS = FULL ? 5 : 1;
const DETECT_LIMIT_MS = 2 * HEARTBEAT_S * 1000 + 5_000;
const RECONNECT_LIMIT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FaultContext {
  pb: PrivateBroker;
  proxy: FaultProxy;
  schedule: FaultSchedule;
}

interface Fault {
  id: string;
  name: string;
  /** The peer goes silent: detection is by heartbeat. */
  silent: boolean;
  /** Injects the fault; resolves when it is over, with that time. */
  inject(ctx: FaultContext): Promise<number>;
}

const FAULTS: Fault[] = [
  {
    id: 'a',
    name: 'close_all_connections',
    silent: false,
    async inject({ pb }) {
      await pb.closeAllConnections('A1 fault (a)');
      return Date.now();
    },
  },
  {
    id: 'b',
    name: 'broker SIGKILL + restart',
    silent: false,
    async inject({ pb, schedule }) {
      await pb.kill();
      const downMs = Math.round(schedule.between(500, 3_000));
      schedule.note(`(b) down ${downMs} ms before restart`);
      await sleep(downMs);
      await pb.restart();
      return Date.now();
    },
  },
  {
    id: 'c',
    name: `broker SIGSTOP ${STOP_MS / 1000} s + SIGCONT`,
    silent: true,
    async inject({ pb }) {
      pb.pause();
      try {
        await sleep(STOP_MS);
      } finally {
        pb.resume();
      }
      return Date.now();
    },
  },
  {
    id: 'd',
    name: `blackhole ${BLACKHOLE_MS / 1000} s (fault proxy)`,
    silent: true,
    async inject({ proxy }) {
      proxy.set({ blackhole: true });
      try {
        await sleep(BLACKHOLE_MS);
      } finally {
        proxy.set({ blackhole: false });
      }
      return Date.now();
    },
  },
  {
    id: 'e',
    name: 'TCP reset (fault proxy RST)',
    silent: false,
    inject({ proxy }) {
      proxy.resetAll();
      return Promise.resolve(Date.now());
    },
  },
  {
    id: 'f',
    name: 'cut after N bytes mid-frame (fault proxy)',
    silent: false,
    async inject({ proxy, schedule }) {
      const bytes = Math.floor(schedule.between(7, 3_000));
      const direction = schedule.pick(['upstream', 'downstream'] as const);
      schedule.note(`(f) cut ${direction} after ${bytes} bytes`);
      const before = proxy.stats().cuts;
      proxy.cutAfter(bytes, { direction });
      await waitUntil(() => proxy.stats().cuts > before, 20_000, 'a cut');
      await sleep(500); // the other connection may be cut too
      proxy.clear();
      return Date.now();
    },
  },
];

describe('A1 connection-loss matrix (private broker, fault proxy)', () => {
  let pb: PrivateBroker;
  let proxy: FaultProxy;
  let checker: Checker;
  const schedule = faultSchedule('A1');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const onUncaught = (err: unknown): void => void unhandled.push(err);
  const summary: string[] = [];

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtExceptionMonitor', onUncaught);
    pb = await startPrivateBroker({ label: 'a1' });
    proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: pb.port },
      random: schedule.random,
    });
    checker = openChecker(pb.url);
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtExceptionMonitor', onUncaught);
    await checker?.close();
    await proxy?.close();
    await pb?.stop();
    console.log(`[A1] ${schedule.describe()}\n${summary.join('\n')}`);
  }, 60_000);

  const cases = FAULTS.flatMap((fault) =>
    Array.from({ length: RUNS }, (_, run) => ({ fault, run: run + 1 })),
  );
  const faultTimeoutMs = (FULL ? 240_000 : 120_000) + Math.max(STOP_MS, BLACKHOLE_MS);

  it.each(cases)(
    '($fault.id) $fault.name, run $run',
    { timeout: faultTimeoutMs },
    async ({ fault, run }) => {
      onTestFailed(() => {
        console.error(`[A1] (${fault.id}) run ${run} failed: ${schedule.describe()}`);
      });
      const ns = uniqueNamespace(`a1${fault.id}${run}`);
      const sim = createSimulator({
        apiKeys: ['sim-key'],
        seed: schedule.seed,
        recordBodies: false,
        lifecycle: { applyActionsImmediately: true },
        faults: { latencyMs: [30, 90] },
      });
      const agency = await sim.listen({ port: 0 });
      let h: Harness | null = null;
      const unhandledBefore = unhandled.length;
      try {
        h = await startHarness({
          ns,
          brokerUrl: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
          agencyBaseUrl: agency.baseUrl,
          heartbeatSeconds: HEARTBEAT_S,
          configure: (raw) => {
            raw.broker.prefetch = 5;
          },
        });
        const harness = h;
        await waitUntil(() => harness.healthy(), 30_000, 'connector up');
        const resultsQueue = await checker.bindResults(ns);

        // Invoices to pay during the fault, created first.
        const preNumbers = invoiceNumbers(500_000, 100);
        const pre = createEvents(preNumbers);
        await checker.publish(ns.erpExchange, pre);
        await waitUntil(() => tallyLedger(sim, pre).lost.length === 0, 60_000, 'pre-phase');

        // 400 creates and 100 payments flowing when the fault hits.
        const creates = createEvents(invoiceNumbers(600_000, 400));
        const payments = paymentEvents(preNumbers);
        const main = creates.flatMap((c, i) => (i % 4 === 3 ? [c, payments[(i - 3) / 4]!] : [c]));
        expect(main).toHaveLength(500);
        await checker.publish(ns.erpExchange, main);
        const delayMs = Math.round(schedule.between(1_000, 3_000));
        schedule.note(`(${fault.id}#${run}) fault at +${delayMs} ms`);
        await sleep(delayMs);
        const doneAtFault = tallyLedger(sim, main).committed;

        const faultStart = Date.now();
        const faultEnd = await fault.inject({ pb, proxy, schedule });

        // Detection: each link that went down, from the fault's start.
        const downs = (link: string) =>
          harness.timeline.find(
            (e) => e.event === 'disconnected' && e.link === link && e.at >= faultStart,
          );
        await waitUntil(
          () => downs('consume') !== undefined || downs('publish') !== undefined,
          fault.silent ? 5_000 : 20_000,
          'a disconnect after the fault',
        );
        await sleep(300);
        const downLinks = (['consume', 'publish'] as const).filter((l) => downs(l));
        const detectMs = Math.max(...downLinks.map((l) => downs(l)!.at - faultStart));

        // Reconnect: every link that went down is up again, consumers registered.
        await waitUntil(
          () =>
            harness.healthy() &&
            downLinks.every((l) =>
              harness.timeline.some(
                (e) => e.event === 'connected' && e.link === l && e.at > downs(l)!.at,
              ),
            ),
          60_000,
          'reconnected',
        );
        const reconnectMs = Math.max(0, Date.now() - faultEnd);

        // Drain: every event has its effect at the agency and its result.
        const results: { messageId: string; body: string }[] = [];
        const all = [...pre, ...main];
        const answered = () => {
          const byCause = resultsByCause(results);
          return all.filter((e) => !byCause.get(e.id)?.has(expectedResult(e)));
        };
        const drainStart = Date.now();
        await waitUntil(
          async () => {
            results.push(...(await checker.take(resultsQueue)));
            return tallyLedger(sim, all).lost.length === 0 && answered().length === 0;
          },
          120_000,
          'every event applied and answered',
        ).catch(async (err: unknown) => {
          const t = tallyLedger(sim, all);
          throw new Error(
            `${String(err)}: lost ${t.lost.length}, unanswered ${answered().length}, inbound depth ${await checker.depth(`${ns.prefix}.acme.inbound`)}`,
          );
        });
        const drainMs = Date.now() - drainStart;
        await waitUntil(
          async () => (await checker.depth(`${ns.prefix}.acme.inbound`)) === 0,
          30_000,
          'inbound queue empty',
        );
        await waitUntil(
          async () => (await harness.store.counts()).outboxPending === 0,
          30_000,
          'outbox empty',
        );

        const tally = tallyLedger(sim, all);
        const consumers = (await pb.listConsumers()).filter((c) => c.queue.startsWith(ns.prefix));
        const deadLetters = await checker.depth(`${ns.prefix}.dead-letter`);
        const unknownTag = harness.logs.filter((l) =>
          /unknown delivery tag/iu.test(`${l.msg} ${l.err ?? ''}`),
        ).length;
        const line =
          `[A1] (${fault.id}) ${fault.name} run ${run}: processed at fault ${doneAtFault}/500; ` +
          `detect ${detectMs} ms (${downLinks.join('+')}); reconnect ${reconnectMs} ms after the fault ended; ` +
          `drained ${drainMs} ms; lost ${tally.lost.length}; duplicated ${tally.duplicated.length}; ` +
          `resent ${tally.resent}; results ${results.length} for ${all.length} events; dead letters ${deadLetters}; ` +
          `consumers ${consumers.map((c) => c.queue.slice(ns.prefix.length + 1)).join(',')}; ` +
          `unknown-tag errors ${unknownTag}; unhandled ${unhandled.length - unhandledBefore}`;
        summary.push(line);
        console.log(line);

        expect(unhandled.slice(unhandledBefore)).toEqual([]);
        expect(tally.lost).toEqual([]);
        expect(tally.duplicated).toEqual([]);
        expect(deadLetters).toBe(0);
        expect(unknownTag).toBe(0);
        expect(consumers.map((c) => c.queue)).toEqual([`${ns.prefix}.acme.inbound`]);
        expect(reconnectMs).toBeLessThanOrEqual(RECONNECT_LIMIT_MS);
        if (fault.silent) expect(detectMs).toBeLessThanOrEqual(DETECT_LIMIT_MS);
      } finally {
        proxy.clear();
        if (!pb.running()) await pb.restart().catch(() => undefined);
        await h?.stop();
        await agency.close();
        await checker.deleteNamespace(ns);
      }
    },
  );
});
