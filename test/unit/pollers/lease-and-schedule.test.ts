/**
 * One instance polls (a store lease), the other takes over after the lease time when the leader
 * stops renewing; a run never overlaps itself; stop ends runs cleanly; status() reports.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../../../adapters/store/index.ts';
import type { PaymentRecord } from '../../../adapters/agency/index.ts';
import { fakeAgency, fakePollers } from './fake-deps.ts';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

describe('poller lease and schedule', () => {
  it('only the lease holder polls; another takes over once the lease expires', async () => {
    const store = await createStore('sqlite::memory:');
    stores.push(store);
    const a = await fakePollers(fakeAgency({}), {
      store,
      instanceId: 'a',
      pollers: { leaseTtlMs: 1000 },
    });
    const b = await fakePollers(fakeAgency({}), {
      store,
      instanceId: 'b',
      pollers: { leaseTtlMs: 1000 },
    });
    expect((await a.pollers.runNow('payments')).result).toBe('ok');
    expect((await b.pollers.runNow('payments')).result).toBe('not_leader');
    // a "dies": it never renews again. b gets the lease within the lease time.
    const died = Date.now();
    await vi.waitFor(
      async () => {
        expect((await b.pollers.runNow('payments')).result).toBe('ok');
      },
      { timeout: 3000, interval: 100 },
    );
    expect(Date.now() - died).toBeLessThan(1000 + 500);
    expect((await a.pollers.runNow('payments')).result).toBe('not_leader');
  });

  it('a run never overlaps itself; stop lets the current run end and reports stopped', async () => {
    let release: () => void = () => {};
    let reads = 0;
    const gate = new Promise<void>((r) => (release = r));
    const agency = fakeAgency({});
    agency.getPayments = async () => {
      reads += 1;
      await gate;
      return [] as PaymentRecord[];
    };
    const t = await fakePollers(agency, { pollers: { pageDays: 7 } });
    stores.push(t.store);
    const first = t.pollers.runNow('payments');
    const second = t.pollers.runNow('payments');
    await vi.waitFor(() => expect(reads).toBe(1));
    expect(t.pollers.status().find((s) => s.name === 'payments')?.running).toBe(true);
    const stopping = t.pollers.stop();
    release();
    const [s1, s2] = await Promise.all([first, second]);
    await stopping;
    expect(s1).toBe(s2);
    expect(reads).toBe(1); // the run ended after its current page
    expect(s1.result).toBe('stopped');
    expect((await t.pollers.runNow('payments')).result).toBe('stopped');
  });

  it('payments: the overlapping window re-reads, the stable key drops duplicates', async () => {
    const payment: PaymentRecord = {
      caseId: '481920',
      invoiceNumber: '100234',
      invoicePaymentReference: 'RF18539007547034',
      originalPaymentReference: null,
      bookingDate: '2026-12-09T00:00:00Z',
      paymentDate: '2026-12-09T00:00:00Z',
      amount: '50.00',
      currency: 'EUR',
      allocationId: null,
    };
    const t = await fakePollers(fakeAgency({ payments: () => [payment] }));
    stores.push(t.store);
    await t.pollers.runNow('payments');
    const second = await t.pollers.runNow('payments');
    expect(second.detail.duplicates).toBeGreaterThan(0);
    expect(t.events('payment.allocated')).toHaveLength(1);
    expect(t.events('payment.allocated')[0]?.data).toMatchObject({
      amount: '50.00',
      paymentDate: '2026-12-09',
    });
    const status = t.pollers.status().find((s) => s.name === 'payments');
    expect(status).toMatchObject({ lastRun: { result: 'ok' }, leader: true });
    expect(status?.lastSuccessAt).not.toBeNull();
  });
});
