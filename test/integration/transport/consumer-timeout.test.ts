/**
 * R4, consumer-timeout safety (RELIABILITY.md §2.5), on a private broker whose `consumer_timeout`
 * is low (CI 15 s; FULL_FAULTS=1: 60 s, the spec's figure) with the channel tick at 1 s so the
 * timeout is checked promptly. The agency answers every call 429 with a long Retry-After (CI 30 s
 * for 45 s; FULL: 120 s for 10 min), longer than the consumer timeout.
 *
 * Pass: 0 consumer-timeout channel closures (PRECONDITION_FAILED) of the connector's channels,
 * 0 lost, every event processed (applied once and answered) after the 429s stop.
 *
 * A control in the same run shows the setting bites: a raw consumer that holds one delivery past
 * the timeout has its channel closed with PRECONDITION_FAILED.
 */
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { uniqueNamespace, waitUntil } from '../../helpers/amqp.ts';
import {
  faultSchedule,
  startPrivateBroker,
  type PrivateBroker,
} from '../../helpers/broker-control.ts';
import { openChecker, type Checker } from './checker.ts';
import { startHarness } from './harness.ts';
import {
  createEvents,
  expectedResult,
  invoiceNumbers,
  resultsByCause,
  tallyLedger,
} from './workload.ts';

const FULL = process.env.FULL_FAULTS === '1';
const CONSUMER_TIMEOUT_MS = FULL ? 60_000 : 15_000;
const RETRY_AFTER_S = FULL ? 120 : 30;
const REFUSING_MS = FULL ? 600_000 : 45_000;
const EVENTS = FULL ? 1_000 : 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TIMED_OUT = /consumer ack timed out|delivery acknowledgement on channel .* timed out/iu;

describe('R4 consumer timeout vs a long 429 (private broker)', () => {
  let pb: PrivateBroker;
  let checker: Checker;
  const schedule = faultSchedule('R4');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    pb = await startPrivateBroker({
      label: 'r4',
      conf: { consumer_timeout: CONSUMER_TIMEOUT_MS },
      advanced: ['{channel_tick_interval, 1000}'],
    });
    checker = openChecker(pb.url);
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await checker?.close();
    await pb?.stop();
  }, 60_000);

  /** A consumer that never acks: its channel must be closed by the broker (the setting bites). */
  async function control(): Promise<{ closedAfterMs: number; reason: string }> {
    const c = await amqplib.connect(pb.url);
    c.on('error', () => undefined);
    try {
      const ch = await c.createChannel();
      const q = 'r4.control';
      await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const closed = new Promise<string>((resolve) => {
        ch.on('error', (err: Error) => resolve(err.message));
        ch.on('close', () => resolve('closed'));
      });
      ch.sendToQueue(q, Buffer.from('held'), { persistent: true });
      let heldAt = 0;
      await ch.consume(q, () => (heldAt = Date.now()), { noAck: false });
      const reason = await closed;
      return { closedAfterMs: Date.now() - heldAt, reason };
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  it(
    `agency 429 + Retry-After ${RETRY_AFTER_S} s for ${REFUSING_MS / 1000} s, consumer_timeout ${CONSUMER_TIMEOUT_MS / 1000} s: no timeout closures, 0 lost`,
    { timeout: REFUSING_MS + 240_000 },
    async () => {
      onTestFailed(() => console.error(`[R4] failed: ${schedule.describe()}`));
      const controlRun = control();
      const ns = uniqueNamespace('r4');
      const sim = createSimulator({
        apiKeys: ['sim-key'],
        seed: schedule.seed,
        recordBodies: false,
        faults: { random429Rate: 1, retryAfterSeconds: RETRY_AFTER_S },
      });
      const agency = await sim.listen({ port: 0 });
      const h = await startHarness({
        ns,
        brokerUrl: pb.url,
        agencyBaseUrl: agency.baseUrl,
        configure: (raw) => {
          // The product's defaults for attempts; delay steps short enough for a test.
          raw.broker.retryDelaysMs = [1_000, 5_000];
          raw.broker.maxAttempts = 8;
        },
      });
      const before = unhandled.length;
      try {
        await waitUntil(() => h.healthy(), 30_000, 'connector up');
        const resultsQueue = await checker.bindResults(ns);
        const events = createEvents(invoiceNumbers(900_000, EVENTS));
        const refusingFrom = Date.now();
        await checker.publish(ns.erpExchange, events);
        // Watch what the consumer holds while the agency refuses.
        let maxInFlight = 0;
        let pausedSeen = false;
        while (Date.now() - refusingFrom < REFUSING_MS) {
          for (const c of h.broker.status().consumers) {
            maxInFlight = Math.max(maxInFlight, c.inFlight);
            pausedSeen ||= c.paused;
          }
          await sleep(250);
        }
        const refused = Object.entries(sim.state().requestCounts)
          .filter(([k]) => k.endsWith(' 429'))
          .reduce((n, [, v]) => n + v, 0);
        sim.setFaults({ random429Rate: 0 });
        const stoppedAt = Date.now();

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
          FULL ? 300_000 : 120_000,
          'every event applied and answered after the 429s stop',
        ).catch((err: unknown) => {
          const t = tallyLedger(sim, events);
          throw new Error(`${String(err)}: lost ${t.lost.length}, unanswered ${unanswered()}`);
        });
        const drainedMs = Date.now() - stoppedAt;
        const { closedAfterMs, reason } = await controlRun;
        const tally = tallyLedger(sim, events);
        const deadLetters = await checker.depth(`${ns.prefix}.dead-letter`);
        const connectorTimeouts = h.logs.filter(
          (l) => /PRECONDITION_FAILED|406/u.test(l.err ?? '') || TIMED_OUT.test(l.err ?? ''),
        ).length;
        const consumerChannelErrors = h.logs.filter(
          (l) => l.msg === 'amqp consumer channel error',
        ).length;
        const brokerTimeouts = pb
          .logText()
          .split('\n')
          .filter((l) => TIMED_OUT.test(l));
        const line =
          `[R4] consumer_timeout ${CONSUMER_TIMEOUT_MS / 1000} s; agency 429 (Retry-After ${RETRY_AFTER_S} s) for ` +
          `${REFUSING_MS / 1000} s, ${refused} refused calls; max deliveries held ${maxInFlight}; intake paused ${pausedSeen}; ` +
          `connector timeout closures ${connectorTimeouts}, consumer channel errors ${consumerChannelErrors}; ` +
          `broker-log timeouts ${brokerTimeouts.length} (1 expected: the control, closed after ${Math.round(closedAfterMs / 1000)} s); ` +
          `all ${EVENTS} applied and answered ${Math.round(drainedMs / 1000)} s after the 429s stopped; ` +
          `lost ${tally.lost.length}; duplicated ${tally.duplicated.length}; dead letters ${deadLetters}`;
        console.log(line);
        expect(reason).toMatch(/PRECONDITION_FAILED|406/u);
        expect(unhandled.slice(before)).toEqual([]);
        expect(connectorTimeouts).toBe(0);
        expect(consumerChannelErrors).toBe(0);
        expect(brokerTimeouts).toHaveLength(1);
        expect(tally.lost).toEqual([]);
        expect(tally.duplicated).toEqual([]);
        expect(deadLetters).toBe(0);
      } finally {
        await h.stop();
        await agency.close();
        await controlRun.catch(() => undefined);
        await checker.deleteNamespace(ns);
      }
    },
  );
});
