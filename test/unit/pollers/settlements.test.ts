/**
 * Settlements: stored before anything else (destructive reads), one settlement.received per
 * settlement and one invoice.settled per allocation, the add-up check, and crash recovery (a crash
 * after the store commit and before publishing; a crash between the destructive read and the store).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../adapters/store/index.ts';
import { fakeAgency, fakePollers, fakeSettlements, settlement } from './fake-deps.ts';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

const good = () => [
  settlement('202612080001', [
    ['100234', '1000.00', '900.00', '75.00', '25.00'],
    ['100235', '240.50', '200.00', '30.00', '10.50'],
  ]),
  settlement('202612080002', [['100236', '50.00', '50.00', '0.00', '0.00']]),
];

describe('settlement poller', () => {
  it('publishes one settlement.received per settlement and one invoice.settled per allocation, once', async () => {
    const agency = fakeSettlements(good());
    const t = await fakePollers(fakeAgency({ settlements: (q) => agency.read(q) }));
    stores.push(t.store);
    const run = await t.pollers.runNow('settlements');
    expect(run).toMatchObject({ result: 'ok', events: 5, calls: 2 });
    expect(t.events('settlement.received').map((e) => e.data.amount)).toEqual(['1240.50', '50.00']);
    expect(t.events('invoice.settled').map((e) => e.data.invoiceNumber)).toEqual([
      '100234',
      '100235',
      '100236',
    ]);
    expect(await t.store.unpublishedNews('settlement', 10)).toEqual([]);
    await t.pollers.runNow('settlements');
    expect(t.events()).toHaveLength(5);
  });

  it('a settlement that does not add up is published with discrepancy and dead-lettered for operators', async () => {
    const bad = settlement('202612080009', [
      ['100240', '100.00', '90.00', '5.00', '5.00'],
      ['100241', '60.00', '50.00', '5.00', '0.00'], // breakdown 55.00 ≠ 60.00
    ]);
    bad.settlementAmount = '170.00'; // allocations sum to 160.00
    const agency = fakeSettlements([bad]);
    const t = await fakePollers(fakeAgency({ settlements: (q) => agency.read(q) }));
    stores.push(t.store);
    const run = await t.pollers.runNow('settlements');
    expect(run.detail.discrepancies).toBe(1);
    const received = t.events('settlement.received')[0]?.data;
    expect(received?.discrepancy).toMatch(/allocations sum to 160.00, settlement amount is 170.00/);
    expect(received?.discrepancy).toMatch(/invoice 100241/);
    // Only the allocation that adds up is published as settled.
    expect(t.events('invoice.settled').map((e) => e.data.invoiceNumber)).toEqual(['100240']);
    const letters = await t.store.listDeadLetters({ reason: 'settlement_discrepancy' });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.detail).toMatch(/202612080009/);
    expect(t.published.some((p) => p.exchange === 'connector.dlx')).toBe(true);
  });

  it('a crash after the store commit, before publishing: the next run publishes everything once', async () => {
    const agency = fakeSettlements(good());
    const t = await fakePollers(fakeAgency({ settlements: (q) => agency.read(q) }));
    stores.push(t.store);
    // Crash right after the fetched settlements were stored (the first commit holding news).
    const commit = t.store.commit.bind(t.store);
    let crashed = false;
    t.store.commit = async (changes) => {
      await commit(changes);
      if (!crashed && changes.news?.length) {
        crashed = true;
        throw new Error('simulated crash');
      }
    };
    expect((await t.pollers.runNow('settlements')).result).toBe('failed');
    expect(t.events()).toHaveLength(0);
    expect(agency.fetched.size).toBe(2); // the destructive read happened
    expect(await t.store.unpublishedNews('settlement', 10)).toHaveLength(2);
    const second = await t.pollers.runNow('settlements');
    expect(second.detail.recovered).toBe(2);
    expect(t.events('settlement.received')).toHaveLength(2);
    expect(t.events('invoice.settled')).toHaveLength(3);
  });

  it('a crash between the destructive read and the store: the date-window read recovers it', async () => {
    const agency = fakeSettlements(good());
    let lose = true;
    const t = await fakePollers(
      fakeAgency({
        settlements: (q) => {
          const out = agency.read(q);
          if (lose && q.unfetchedOnly) {
            lose = false;
            throw new Error('process died with the answer in memory');
          }
          return out;
        },
      }),
    );
    stores.push(t.store);
    expect((await t.pollers.runNow('settlements')).result).toBe('failed');
    expect(agency.fetched.size).toBe(2);
    const second = await t.pollers.runNow('settlements');
    expect(second.detail).toMatchObject({ fetched: 0, reconciled: 2 });
    expect(t.events('settlement.received')).toHaveLength(2);
    const ids = t.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
