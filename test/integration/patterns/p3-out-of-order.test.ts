/**
 * RELIABILITY.md P3, out-of-order payment: each of 100 payments is published 0–5 s (seeded)
 * before its invoice.created, to the connector as a child process. Pass: 100/100 payments applied
 * after their invoice was created at the agency (ledger order); 0 dead-lettered; 0 applied to a
 * missing case (no action request answered 404, no `action.rejected`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { envelope, invoiceData, paymentReceived, type TestEvent } from '../../helpers/events.ts';
import { checkEffects, checkResults, readStoreFile } from '../../helpers/ledger-check.ts';
import { seededRandom } from '../../helpers/random.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';
import {
  faultSeed,
  httpPortOf,
  metricValue,
  publishEvents,
  scrapeMetrics,
  seconds,
  waitForAnswers,
  withSeed,
} from './support.ts';

const N = 100;
const MAX_LEAD_MS = 5000;
const SPACING_MS = 80;

describe('P3: payment before its invoice (child process, real broker)', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let proc: ConnectorProcess | null = null;

  afterEach(async () => {
    await proc?.kill('SIGKILL');
    await bed.close();
  });

  it(
    '100 payments 0–5 s ahead of their invoice: all applied after the invoice, 0 dead letters',
    { timeout: 120_000 },
    async () => {
      const seed = faultSeed();
      await withSeed('P3', seed, async () => {
        const random = seededRandom(seed);
        bed = await openTestBed('p3', { seed, lifecycle: { applyActionsImmediately: true } });
        ({ ns, raw } = bed);
        const config = testConfigRaw(ns, bed.agency.baseUrl);
        const storeFile = config.store.url.slice('sqlite:'.length);
        proc = await startConnectorProcess(writeConfigFile(config));
        const port = await httpPortOf(proc);
        await raw.waitForExchange(ns.agencyExchange);
        const results = await raw.collect(ns.agencyExchange, 'acme.#');

        const invoices = Array.from({ length: N }, (_, i) => String(7_000_000 + i));
        const plan: { atMs: number; event: TestEvent }[] = [];
        const payments: TestEvent[] = [];
        const leads: number[] = [];
        for (const [i, n] of invoices.entries()) {
          const invoiceAt = MAX_LEAD_MS + i * SPACING_MS;
          const lead = random() * MAX_LEAD_MS;
          leads.push(lead);
          const payment = paymentReceived(n, '40.00');
          payments.push(payment);
          plan.push({ atMs: invoiceAt - lead, event: payment });
          plan.push({
            atMs: invoiceAt,
            event: envelope('acme', 'invoice.created', invoiceData(n)),
          });
        }
        plan.sort((a, b) => a.atMs - b.atMs);
        const start = Date.now();
        for (const step of plan) {
          const wait = start + step.atMs - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          await publishEvents(raw.channel, ns.erpExchange, [step.event]);
        }
        const all = plan.map((p) => p.event);
        await waitForAnswers(
          results.messages,
          all.map((e) => e.id),
          90_000,
        );
        const drainedMs = Date.now() - start - plan.at(-1)!.atMs;
        await waitUntil(
          async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
          30_000,
          'an empty inbound queue',
        );
        const metrics = await scrapeMetrics(port);
        const parked = metricValue(metrics, 'connector_events_in_total', {
          type: 'invoice.payment_received',
          outcome: 'parked',
        });
        expect(await proc.kill('SIGTERM')).toBe(0);
        proc = null;

        const state = bed.sim.state();
        const expected = payments.map((e, i) => ({ invoiceNumber: invoices[i]!, eventId: e.id }));
        const effects = checkEffects(state, {
          invoices,
          actions: expected,
          directPayments: expected,
        });
        // Ledger order: the first committed create of each invoice, and each committed action.
        const createdAt = new Map<string, number>();
        const appliedBefore: string[] = [];
        let actions404 = 0;
        for (const e of state.ledger) {
          if (e.endpoint === 'POST /invoice' && e.committed && e.invoiceNumber)
            if (!createdAt.has(e.invoiceNumber)) createdAt.set(e.invoiceNumber, e.seq);
          if (e.endpoint === 'POST /invoice/action') {
            if (e.status === 404) actions404 += 1;
            for (const a of e.actions ?? []) {
              const created = createdAt.get(a.invoiceNumber);
              if (e.committed && (created === undefined || created > e.seq))
                appliedBefore.push(a.invoiceNumber);
            }
          }
        }
        const answers = checkResults(
          results.messages,
          all.map((e) => ({
            id: e.id,
            resultTypes: e.type === 'invoice.created' ? ['invoice.accepted'] : ['action.accepted'],
          })),
        );
        const dlqDepth = await raw.messageCount(`${ns.prefix}.dead-letter`);
        const store = readStoreFile(storeFile);
        const sortedLeads = [...leads].sort((a, b) => a - b);

        console.log(
          `P3 seed=${seed} ${N} payments published ${seconds(sortedLeads[0]!)}–` +
            `${seconds(sortedLeads.at(-1)!)} s before their invoice (median ` +
            `${seconds(sortedLeads[N / 2]!)} s) | applied once ${effects.actions.once}/${N}, after ` +
            `the invoice ${effects.actions.once - appliedBefore.length}/${N}, before or without it ` +
            `${appliedBefore.length} | parked by the connector ${parked} | dead-lettered: queue ` +
            `${dlqDepth}, store ${store.deadLetters.length} | actions answered 404 ${actions404} | ` +
            `results missing ${answers.missing.length}, conflicting ${answers.conflicting.length} | ` +
            `last result ${seconds(drainedMs)} s after the last publish`,
        );
        expect(effects.invoices.once).toBe(N);
        expect(effects.actions.once).toBe(N);
        expect(effects.actions.notApplied).toEqual([]);
        expect(appliedBefore).toEqual([]);
        expect(dlqDepth).toBe(0);
        expect(store.deadLetters).toEqual([]);
        expect(actions404).toBe(0);
        expect(answers.missing).toEqual([]);
        expect(answers.conflicting).toEqual([]);
      });
    },
  );
});
