/**
 * One invoice's whole life at the agency, seen through the pollers: created → delivered → overdue
 * → reminder → collection → partial payment → settlement → full payment → settlement → closed.
 * The ERP receives exactly this sequence of events, with the agency's amounts; re-runs add nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPollerHarness, type PollerHarness } from './poller-harness.ts';

const NUMBER = '100001';

describe('pollers: a full invoice life', () => {
  let h: PollerHarness;
  beforeEach(async () => {
    h = await createPollerHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const simCase = () => {
    const c = h.sim.state().cases.find((x) => String(x.summary.invoiceNumber) === NUMBER);
    if (!c) throw new Error('no case');
    return c;
  };
  const money = (n: number) => n.toFixed(2);
  const lifeEvents = () =>
    h
      .erpEvents()
      .filter((e) => e.type !== 'invoice.accepted')
      .map(
        (e) =>
          `${e.type}${e.type === 'case.updated' ? `:${String(e.data.status)}/${String(e.data.stage)}` : ''}`,
      );

  it('publishes exactly the expected sequence with the agency amounts', async () => {
    await h.createInvoice(NUMBER);
    h.sim.clock.advance(3_600_000); // distribution happens
    const dist = await h.pollers.runNow('distribution');
    expect(dist.result).toBe('ok');
    const delivered = h.erpEvents('distribution.updated');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.data).toMatchObject({
      invoiceNumber: NUMBER,
      status: 'DELIVERED',
      method: 'EMAIL',
    });
    const caseId = String(simCase().summary.caseId);
    expect(delivered[0]?.data.caseId).toBe(caseId);
    expect((await h.store.getInvoice('acme', NUMBER))?.caseId).toBe(caseId);

    await h.pollers.runNow('cases');
    // A second run of every poller: nothing new.
    const before = h.erpEvents().length;
    const again = await h.pollers.runNow('cases');
    await h.pollers.runNow('distribution');
    await h.pollers.runNow('payments');
    expect(again.detail.unchanged).toBe(1);
    expect(h.erpEvents().length).toBe(before);

    h.sim.clock.advanceDays(14 + 8); // past due + reminder
    await h.pollers.runNow('cases');
    const reminder = h.erpEvents('case.updated').at(-1);
    expect(reminder?.data).toMatchObject({
      stage: 'REMINDER',
      previous: { status: 'OPEN', stage: 'INVOICE' },
    });
    expect((reminder?.data.balance as { total: string }).total).toBe(
      money(simCase().balance.totalAmount),
    );

    h.sim.clock.advanceDays(30); // past collection start (due + 35)
    await h.pollers.runNow('cases');
    expect(h.erpEvents('case.updated').at(-1)?.data).toMatchObject({ stage: 'COLLECTION' });
    const costs = simCase().balance.costsAmount;
    expect(costs).toBe(40); // 5 + 10 + 25 fees

    h.sim.pay(NUMBER, '50.00');
    await h.pollers.runNow('payments');
    await h.pollers.runNow('cases');
    const partial = h.erpEvents('payment.allocated');
    expect(partial).toHaveLength(1);
    expect(partial[0]?.data).toMatchObject({
      invoiceNumber: NUMBER,
      caseId,
      amount: '50.00',
      currency: 'EUR',
    });
    expect(h.erpEvents('case.updated').at(-1)?.data).toMatchObject({ status: 'PARTIALLY_PAID' });

    h.sim.runSettlement();
    await h.pollers.runNow('settlements');
    const firstSettled = h.erpEvents('invoice.settled');
    expect(firstSettled).toHaveLength(1);
    expect(firstSettled[0]?.data).toMatchObject({
      invoiceNumber: NUMBER,
      amount: '50.00',
      fees: '40.00',
    });
    expect(h.erpEvents('settlement.received')[0]?.data).toMatchObject({ amount: '50.00' });

    const rest = money(simCase().balance.totalAmount);
    h.sim.pay(NUMBER, rest);
    await h.pollers.runNow('payments');
    h.sim.runSettlement();
    await h.pollers.runNow('settlements');
    await h.pollers.runNow('cases');
    const settled = h.erpEvents('invoice.settled');
    expect(settled.map((e) => e.data.amount)).toEqual(['50.00', rest]);
    const paid = h.erpEvents('case.updated').at(-1);
    expect(paid?.data).toMatchObject({ status: 'PAID' });
    expect((paid?.data.balance as { total: string }).total).toBe('0.00');
    expect((await h.store.getInvoice('acme', NUMBER))?.closed).toBe(true);

    expect(lifeEvents()).toEqual([
      'distribution.updated',
      'case.updated:OPEN/INVOICE',
      'case.updated:OPEN/REMINDER',
      'case.updated:OPEN/COLLECTION',
      'payment.allocated',
      'case.updated:PARTIALLY_PAID/COLLECTION',
      'settlement.received',
      'invoice.settled',
      'payment.allocated',
      'settlement.received',
      'invoice.settled',
      'case.updated:PAID/COLLECTION',
    ]);

    // Closed: never read again; re-runs publish nothing.
    const count = h.erpEvents().length;
    const closedRun = await h.pollers.runNow('cases');
    expect(closedRun.calls).toBe(0);
    for (const name of ['distribution', 'payments', 'settlements'] as const)
      await h.pollers.runNow(name);
    expect(h.erpEvents().length).toBe(count);
    const ids = h.erpEvents().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
