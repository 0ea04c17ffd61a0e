/**
 * RELIABILITY.md P1, lost answers at the agency (the key test). Invoice creates and payments go
 * through the connector (a child process) on the real broker to the simulator, which, seeded,
 * commits and then drops the connection (5% of requests), commits and answers 500 (2%), answers
 * 429 with Retry-After 1–3 s (10%) and adds latency U(0, 800 ms). Pass: the ledger shows every
 * invoice created once and every payment applied once (duplicates 0, missing 0, no amount
 * twice); every work item ends DONE or MANUAL_REVIEW, MANUAL_REVIEW ≤ 0.5% each with a reason;
 * 0 requests sent before a Retry-After expired (timed by `agency-front.ts`).
 *
 * Size: CI runs 300 invoices + 150 payments (about 1.5 min here: every 429 pauses the whole
 * client for 1–3 s, so the run is bound by the 429 share, not by the connector);
 * FULL_FAULTS=1 runs the specified 2,000 + 1,000.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { openRawAmqp, uniqueNamespace, waitUntil, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { envelope, invoiceData, paymentReceived, type TestEvent } from '../../helpers/events.ts';
import {
  checkEffects,
  checkResults,
  readStoreFile,
  sample,
  type ExpectedAction,
} from '../../helpers/ledger-check.ts';
import { seededRandom } from '../../helpers/random.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';
import { retryAfterViolations, startAgencyFront, type AgencyFront } from './agency-front.ts';
import { FULL, faultSeed, publishEvents, seconds, waitForAnswers, withSeed } from './support.ts';

const INVOICES = FULL ? 2000 : 300;
const PAYMENTS = FULL ? 1000 : 150;
/** Shares of all requests, as the spec gives them. */
const SHARE = { drop: 0.05, commit500: 0.02, r429: 0.1 };
/**
 * A request the client put on the wire before it had read the 429 is not "early". The arrival
 * and answer times are taken on this process's event loop, which also runs the simulator; under
 * load both the connector's and this loop lag (the run prints this loop's lag), so requests up to
 * this long after the 429 left are counted as in flight. The summary also gives the count with
 * no grace and the latest such arrival, so a real violation (seconds into a window) shows.
 */
const GRACE_MS = 250;

/**
 * The simulator draws 429 first, then commit-then-500, then commit-then-drop among the rest, so
 * the configured rates are conditional; these give the spec's shares of all requests.
 */
function simulatorRates() {
  const commitThen500Rate = SHARE.commit500 / (1 - SHARE.r429);
  const commitThenDropRate = SHARE.drop / ((1 - SHARE.r429) * (1 - commitThen500Rate));
  return { random429Rate: SHARE.r429, commitThen500Rate, commitThenDropRate };
}

function workload(): { events: TestEvent[]; invoices: string[]; payments: ExpectedAction[] } {
  const invoices = Array.from({ length: INVOICES }, (_, i) => String(3_000_000 + i));
  const creates = invoices.map((n) => envelope('acme', 'invoice.created', invoiceData(n)));
  const paymentEvents = invoices.slice(0, PAYMENTS).map((n) => paymentReceived(n));
  // Each payment follows its invoice by 40 events, so most find their invoice created.
  const events: TestEvent[] = [];
  for (const [i, create] of creates.entries()) {
    events.push(create);
    const p = paymentEvents[i - 40];
    if (p) events.push(p);
  }
  events.push(...paymentEvents.slice(Math.max(0, creates.length - 40)));
  const payments = paymentEvents.map((e, i) => ({ invoiceNumber: invoices[i]!, eventId: e.id }));
  return { events, invoices, payments };
}

describe('P1: lost answers at the agency', () => {
  let proc: ConnectorProcess | null = null;
  let front: AgencyFront | null = null;
  let raw: RawAmqp | null = null;
  const ns = uniqueNamespace('p1');

  afterEach(async () => {
    await proc?.kill('SIGKILL');
    await front?.close();
    await raw?.cleanup(ns);
    await raw?.close();
  });

  it(
    `${INVOICES} invoices + ${PAYMENTS} payments: each applied once, review ≤ 0.5%, no early request`,
    { timeout: FULL ? 40 * 60_000 : 8 * 60_000 },
    async () => {
      const seed = faultSeed();
      await withSeed('P1', seed, async () => {
        const started = Date.now();
        const loopLag = monitorEventLoopDelay({ resolution: 10 });
        loopLag.enable();
        const sim = createSimulator({
          apiKeys: ['sim-key'],
          seed,
          recordBodies: false,
          lifecycle: { applyActionsImmediately: true },
          faults: { latencyMs: [0, 800], ...simulatorRates() },
        });
        front = await startAgencyFront(sim, {
          random: seededRandom(seed + 1),
          retryAfterSeconds: [1, 3],
        });
        raw = await openRawAmqp();
        const config = testConfigRaw(ns, front.baseUrl);
        const storeFile = config.store.url.slice('sqlite:'.length);
        config.broker.maxAttempts = 8;
        config.agency.rateLimit = { requestsPerSecond: 500, maxConcurrent: 20, instances: 1 };
        proc = await startConnectorProcess(writeConfigFile(config));
        await raw.waitForExchange(ns.agencyExchange);
        const results = await raw.collect(ns.agencyExchange, 'acme.#');

        const { events, invoices, payments } = workload();
        await publishEvents(raw.channel, ns.erpExchange, events);
        await waitForAnswers(
          results.messages,
          events.map((e) => e.id),
          FULL ? 35 * 60_000 : 7 * 60_000,
        );
        await waitUntil(
          async () => (await raw!.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
          30_000,
          'an empty inbound queue',
        );
        expect(await proc.kill('SIGTERM')).toBe(0);
        proc = null;
        const drainedMs = Date.now() - started;

        const state = sim.state();
        const effects = checkEffects(state, {
          invoices,
          actions: payments,
          directPayments: payments,
        });
        const answers = checkResults(
          results.messages,
          events.map((e) => ({
            id: e.id,
            resultTypes:
              e.type === 'invoice.created'
                ? ['invoice.accepted']
                : ['action.accepted', 'action.rejected'],
          })),
        );
        const store = readStoreFile(storeFile);
        const items = events.map((e) => store.inbox.get(e.id)?.state ?? 'MISSING');
        const notFinal = events.filter((_e, i) => !['DONE', 'MANUAL_REVIEW'].includes(items[i]!));
        const review = store.deadLetters.filter((d) => d.reason === 'manual_review');
        const reviewShare = review.length / events.length;
        const caseToInvoice = new Map(
          state.cases.map((c) => [String(c.summary.caseId), String(c.summary.invoiceNumber)]),
        );
        const early = retryAfterViolations(front.records, GRACE_MS, caseToInvoice);
        const early0 = retryAfterViolations(front.records, 0, caseToInvoice);
        const early100 = retryAfterViolations(front.records, 100, caseToInvoice);
        loopLag.disable();
        const faults = { drop: 0, commit500: 0, r429: 0 };
        for (const e of state.ledger) {
          if (e.fault === 'commit-then-drop') faults.drop += 1;
          if (e.fault === 'commit-then-500') faults.commit500 += 1;
          if (e.fault === 'random-429') faults.r429 += 1;
        }
        const requests = state.ledger.length;
        const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(2)}%`;

        console.log(
          `P1 seed=${seed} size=${INVOICES}+${PAYMENTS} requests=${requests} ` +
            `faults: drop=${faults.drop} (${pct(faults.drop, requests)}) ` +
            `commit500=${faults.commit500} (${pct(faults.commit500, requests)}) ` +
            `429=${faults.r429} (${pct(faults.r429, requests)}) | ` +
            `invoices once=${effects.invoices.once}/${INVOICES} dup=${effects.invoices.duplicated.length} ` +
            `missing=${effects.invoices.missing.length} | payments once=${effects.actions.once}/${PAYMENTS} ` +
            `dup=${effects.actions.duplicated.length} missing=${effects.actions.missing.length} ` +
            `amountTwice=${effects.paymentsTwice.length} unexpected=${effects.actions.unexpected.length} | ` +
            `items DONE=${store.inboxByState.DONE ?? 0} MANUAL_REVIEW=${review.length} ` +
            `(${pct(review.length, events.length)}) other=${notFinal.length} | ` +
            `Retry-After windows=${early.windows} early=${early.early} (grace ${GRACE_MS} ms; ` +
            `${early100.early} with 100 ms, ${early0.early} with none, the latest ` +
            `${early0.latestAfter429Ms.toFixed(1)} ms after its 429; test event-loop lag p99 ` +
            `${(loopLag.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopLag.max / 1e6).toFixed(0)} ms) ` +
            `earlyForKey=${early.earlyForKey} | results copies=${answers.copies} ` +
            `distinct=${answers.distinct} | drained in ${seconds(drainedMs)} s`,
        );

        expect(effects.invoices.missing, 'invoices missing').toEqual([]);
        expect(effects.invoices.duplicated, 'invoices created twice').toEqual([]);
        expect(effects.invoices.unexpected, 'unexpected invoices').toEqual([]);
        expect(effects.actions.duplicated, 'payments applied twice').toEqual([]);
        expect(effects.paymentsTwice, 'cases with an amount applied twice').toEqual([]);
        expect(effects.actions.unexpected, 'unexpected actions').toEqual([]);
        // A payment in MANUAL_REVIEW may be missing at the agency; every other one is there once.
        const reviewed = new Set(review.map((d) => d.messageId));
        const lost = effects.actions.missing.filter((id) => !reviewed.has(id));
        expect(lost, `payments lost: ${sample(lost)}`).toEqual([]);
        expect(effects.actions.notApplied, 'payments committed but not applied').toEqual([]);
        expect(
          notFinal.map((e) => e.id),
          'items not DONE or MANUAL_REVIEW',
        ).toEqual([]);
        expect(reviewShare).toBeLessThanOrEqual(0.005);
        for (const d of review)
          expect(d.detail.length, `reason of ${d.messageId}`).toBeGreaterThan(0);
        expect(answers.missing, 'events without a result').toEqual([]);
        expect(answers.conflicting, 'events with conflicting results').toEqual([]);
        expect(early.early, 'requests sent before a Retry-After expired').toBe(0);
      });
    },
  );
});
