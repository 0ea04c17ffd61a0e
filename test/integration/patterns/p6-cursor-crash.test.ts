/**
 * RELIABILITY.md P6, cursor crash: the settlement poller (a connector child process, settlement
 * poll every second, leader lease 1 s) is killed with SIGKILL 20 times at seeded random moments
 * while it works through a 50-page settlement poll: 2,500 settlements (the poller commits 50 per
 * page, each page's outbox rows together with its news marks) of 4 allocations each, so a page
 * takes a while. During the first life the agency streams its settlement answers slowly, so the
 * first kill lands inside the destructive `unfetchedOnly` read (the agency has marked everything
 * fetched, the connector has stored nothing). Each later kill is seeded: either a random moment
 * after the new process took the poller lease (reads, recovery of stored news, commits), or a
 * random moment just after that life's first new record reached the broker (between pages).
 * Pass: every agency settlement record produces exactly one outbox event (lost = 0, duplicates
 * = 0 by agency record id: settlement id, and settlement id + invoice for an allocation), and
 * everything published carries one message id per record.
 */
import type { ConsumeMessage } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type RunningServer } from '../../../adapters/agency/simulator/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { openRawAmqp, uniqueNamespace, waitUntil, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { invoiceData } from '../../helpers/events.ts';
import { readStoreFile, sample } from '../../helpers/ledger-check.ts';
import { seededRandom } from '../../helpers/random.ts';
import { TEST_SELLER, testConfigRaw } from '../../helpers/test-config.ts';
import { faultSeed, logLines, seconds, withSeed } from './support.ts';

const PAGES = 50;
const PER_PAGE = 50;
const SETTLEMENTS = PAGES * PER_PAGE;
const ALLOCATIONS = 4;
const KILLS = 20;
/** A kill at a random moment comes U(0, this) after the new process became the poller's leader. */
const KILL_WINDOW_MS = 1500;
const NEVER = '0 0 1 1 *';

/** The record key of a settlement event: settlement id, or settlement id / invoice number. */
function recordKey(type: string, data: Record<string, unknown>): string | null {
  if (type === 'settlement.received') return String(data.settlementId);
  if (type === 'invoice.settled')
    return `${String(data.settlementId)}/${String(data.invoiceNumber)}`;
  return null;
}

describe('P6: settlement cursor under kill -9', () => {
  let raw: RawAmqp | null = null;
  let server: RunningServer | null = null;
  let proc: ConnectorProcess | null = null;
  const ns = uniqueNamespace('p6');

  afterEach(async () => {
    await proc?.kill('SIGKILL');
    await server?.close();
    await raw?.cleanup(ns);
    await raw?.close();
  });

  it(
    `${KILLS} SIGKILLs during a ${PAGES}-page settlement poll: one event per record, lost 0, duplicates 0`,
    { timeout: 300_000 },
    async () => {
      const seed = faultSeed();
      await withSeed('P6', seed, async () => {
        const random = seededRandom(seed);
        const sim = createSimulator({ apiKeys: ['sim-key'], seed, recordBodies: false });
        server = await sim.listen({ port: 0 });
        // Seed the agency: four invoices per settlement run, paid, settled.
        const config = parseConfig({ sources: { acme: { seller: TEST_SELLER } } }, { env: {} });
        const mapper = await createMappingPort('mappings', { validators: agencyRequestValidators });
        const today = sim.clock.now().toISOString().slice(0, 10);
        const template = JSON.stringify(
          (
            await mapper.map('generic', 'invoice.created', {
              event: {
                id: 'seed',
                type: 'invoice.created',
                time: null,
                subject: '9999999',
                data: invoiceData('9999999', { invoiceDate: today, dueDate: today }),
              },
              source: { name: 'acme', ...config.sources.acme },
              invoice: null,
            })
          ).body,
        );
        for (let i = 0; i < SETTLEMENTS; i += 1) {
          for (let j = 0; j < ALLOCATIONS; j += 1) {
            const number = String(9_000_000 + i * ALLOCATIONS + j);
            const res = await sim.app.request('http://sim/api/v1/partner/invoice', {
              method: 'POST',
              headers: { 'x-api-key': 'sim-key', 'content-type': 'application/json' },
              body: template.replaceAll('9999999', number),
            });
            expect(res.status).toBe(200);
            sim.pay(number, '150.00');
          }
          sim.runSettlement();
        }
        const expected = new Set<string>();
        for (const s of sim.state().settlements) {
          expected.add(String(s.settlementId));
          for (const a of s.allocations)
            expected.add(`${s.settlementId}/${a.originalInvoiceNumber}`);
        }
        expect(expected.size).toBe((1 + ALLOCATIONS) * SETTLEMENTS);
        // First life: the answers of GET /settlements stream slowly (seconds for all 2,500).
        sim.setFaults({
          endpoints: ['GET /settlements'],
          slowBodyRate: 1,
          slowBodyChunkBytes: 16_384,
          slowBodyChunkDelayMs: 20,
        });

        raw = await openRawAmqp();
        const rawConfig = testConfigRaw(ns, server.baseUrl);
        const storeFile = rawConfig.store.url.slice('sqlite:'.length);
        const file = writeConfigFile({
          ...rawConfig,
          pollers: {
            settlements: '* * * * * *',
            distribution: NEVER,
            cases: NEVER,
            payments: NEVER,
            debtCollection: NEVER,
            leaseTtlMs: 1000,
          },
        });
        // The broker side: what reached the ERP, by record, with the message ids seen.
        await raw.channel.assertExchange(ns.agencyExchange, 'topic', {
          durable: true,
          alternateExchange: `${ns.prefix}.unroutable`,
        });
        const collected = await raw.collect(ns.agencyExchange, 'acme.#');
        const seen = new Map<string, Set<string>>();
        let parsed = 0;
        const progress = (messages: ConsumeMessage[]): number => {
          for (; parsed < messages.length; parsed += 1) {
            const e = JSON.parse(messages[parsed]!.content.toString('utf8')) as {
              id: string;
              type: string;
              data: Record<string, unknown>;
            };
            const key = recordKey(e.type, e.data);
            if (key) seen.set(key, (seen.get(key) ?? new Set()).add(e.id));
          }
          return seen.size;
        };

        type KillMode = 'read' | 'time' | 'publishing';
        const kills: { mode: KillMode; delayMs: number; before: number; after: number }[] = [];
        let fetchedInFirstLife = 0;
        for (let k = 0; k < KILLS; k += 1) {
          proc = await startConnectorProcess(file);
          const life = proc;
          await waitUntil(
            () => logLines(life).some((l) => l.msg === 'poller leadership acquired'),
            15_000,
            'poller leadership',
          );
          const before = progress(collected.messages);
          // Where the kill lands (seeded): the first one while the slow destructive read streams
          // (it starts within a second of leadership and takes seconds); then either a random
          // moment after leadership (reads, recovery, commits), or a random moment shortly after
          // this life's first new record reached the broker (between pages of the publishing).
          const mode: KillMode = k === 0 ? 'read' : random() < 0.35 ? 'time' : 'publishing';
          let delayMs: number;
          if (mode === 'read') delayMs = Math.round(1000 + random() * 2000);
          else if (mode === 'time') delayMs = Math.round(random() * KILL_WINDOW_MS);
          else {
            delayMs = Math.round(random() * 300);
            await waitUntil(
              () => progress(collected.messages) > before || life.child.exitCode !== null,
              15_000,
              'this life publishing',
            ).catch(() => undefined);
          }
          await new Promise((r) => setTimeout(r, delayMs));
          await life.kill('SIGKILL');
          proc = null;
          if (k === 0) {
            sim.setFaults({ slowBodyRate: 0 });
            fetchedInFirstLife = sim
              .state()
              .settlements.filter((x) => x.apiFetchDate !== null).length;
          }
          kills.push({ mode, delayMs, before, after: progress(collected.messages) });
        }

        // Last life: no more faults from the test; it finishes what is left.
        const atLastStart = readStoreFile(storeFile);
        const pendingAtLastStart = atLastStart.outbox.filter((r) => r.state === 'PENDING').length;
        const unsentAtLastStart = [...expected].filter((k) => !seen.has(k)).length;
        proc = await startConnectorProcess(file);
        const last = Date.now();
        await waitUntil(
          () => progress(collected.messages) >= expected.size,
          120_000,
          'every settlement record on the broker',
        );
        const finishedMs = Date.now() - last;
        // Two more polls of the reconcile window must add nothing.
        await new Promise((r) => setTimeout(r, 3000));
        expect(await proc.kill('SIGTERM')).toBe(0);
        proc = null;
        progress(collected.messages);

        const store = readStoreFile(storeFile);
        const rowsByKey = new Map<string, number>();
        for (const row of store.outbox) {
          const type = row.routingKey.slice('acme.'.length);
          const e = JSON.parse(row.body) as { data: Record<string, unknown> };
          const key = recordKey(type, e.data);
          if (key) rowsByKey.set(key, (rowsByKey.get(key) ?? 0) + 1);
        }
        const lostRows = [...expected].filter((k) => !rowsByKey.has(k));
        const dupRows = [...rowsByKey].filter(([, n]) => n > 1).map(([k]) => k);
        const unexpected = [...rowsByKey.keys()].filter((k) => !expected.has(k));
        const lostOnBroker = [...expected].filter((k) => !seen.has(k));
        const dupIds = [...seen].filter(([, ids]) => ids.size > 1).map(([k]) => k);
        const interrupted = kills.filter((k) => k.before < expected.size).length;
        const madeProgress = kills.filter((k) => k.after > k.before).length;
        const pending = store.outbox.filter((r) => r.state === 'PENDING').length;

        console.log(
          `P6 seed=${seed} ${SETTLEMENTS} settlements (${PAGES} pages of ${PER_PAGE}), ` +
            `of ${ALLOCATIONS} allocations, ${expected.size} records | ${kills.length} SIGKILLs ` +
            `(mode:ms) ${kills.map((k) => `${k.mode}:${k.delayMs}`).join(',')}; ${interrupted} with work left, ${madeProgress} after some progress; ` +
            `records on the broker after each kill ${kills.map((k) => k.after).join(',')}; ` +
            `first life: ${fetchedInFirstLife} settlements marked fetched by the agency | ` +
            `last life started with ${pendingAtLastStart} outbox rows PENDING and ${unsentAtLastStart} ` +
            `records never published, finished in ${seconds(finishedMs)} s | outbox rows: lost ${lostRows.length}, ` +
            `duplicated ${dupRows.length}, unexpected ${unexpected.length}, pending ${pending} | ` +
            `broker: ${collected.messages.length} messages, lost ${lostOnBroker.length}, records ` +
            `with >1 message id ${dupIds.length}, copies with the same id ` +
            `${collected.messages.length - [...seen.values()].reduce((n, s) => n + s.size, 0)}`,
        );
        expect(lostRows, `lost: ${sample(lostRows)}`).toEqual([]);
        expect(dupRows, `duplicated: ${sample(dupRows)}`).toEqual([]);
        expect(unexpected).toEqual([]);
        expect(lostOnBroker, `not published: ${sample(lostOnBroker)}`).toEqual([]);
        expect(dupIds, `several ids: ${sample(dupIds)}`).toEqual([]);
        // The kills must have hit the poll, not an idle poller.
        expect(interrupted).toBeGreaterThanOrEqual(KILLS / 2);
      });
    },
  );
});
