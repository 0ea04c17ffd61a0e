import { describe, expect, it } from 'vitest';
import { call, createInvoice, getCase, newSim, payments, settlements } from './fixtures.ts';

const cents = (n: number) => Math.round(n * 100);

describe('simulator payments and settlements', () => {
  it('allocates a debtor payment to fees, then interest, then capital, and lists it at once', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { dueDate: '2026-03-05', gross: 1000 });
    sim.clock.advanceDays(10); // 03-12: reminder fee 5.00, interest 1.53
    const payment = sim.pay('1', '10.00', { reference: 'BANK-1' });
    expect(payment).toEqual({
      caseId: expect.any(Number),
      invoiceNumber: '1',
      invoicePaymentReference: 'RF1',
      originalPaymentReference: 'BANK-1',
      accountName: 'Buyer Company Oy',
      bookingDate: '2026-03-12T00:00:00Z',
      paymentDate: '2026-03-12T00:00:00Z',
      amount: 10,
      currency: 'EUR',
      allocationId: expect.any(Number),
    });
    expect(await payments(sim)).toEqual([payment]);
    const c = await getCase(sim, 1);
    expect(c.summary.status).toBe('PARTIALLY_PAID');
    expect(c.balance).toEqual({
      capitalAmount: 996.53,
      interestAmount: 0,
      costsAmount: 0,
      totalAmount: 996.53,
    });
    expect(c.payments).toEqual([
      {
        paymentDate: '2026-03-12',
        amount: 10,
        reference: 'BANK-1',
        source: 'DEBTOR',
        allocationId: payment.allocationId,
      },
    ]);
  });

  it('filters payments by payment date; defaults to the last 30 days', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    sim.pay('1', '1.00', { date: '2026-01-15' });
    sim.pay('1', '2.00');
    const amounts = async (query: string) => (await payments(sim, query)).map((p) => p.amount);
    expect(await amounts('')).toEqual([2]);
    expect(await amounts('?fromDate=2026-01-01')).toEqual([1, 2]);
    expect(await amounts('?fromDate=2026-01-01&toDate=2026-01-31')).toEqual([1]);
    expect((await call(sim, 'GET', '/payments?fromDate=2026-02-01&toDate=2026-01-01')).status).toBe(
      400,
    );
  });

  it('refuses payments it cannot apply', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    expect(() => sim.pay('2', '1.00')).toThrow(/No case/);
    expect(() => sim.pay('1', '100.01')).toThrow(/exceeds/);
    expect(() => sim.pay('1', '1.005')).toThrow(/2 decimals/);
    sim.pay('1', '100.00');
    expect(() => sim.pay('1', '1.00')).toThrow(/PAID/);
  });

  it('closes a fully paid case', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 124 });
    sim.clock.advanceDays(1);
    sim.pay('1', '124.00');
    const c = await getCase(sim, 1);
    expect(c.summary).toMatchObject({ status: 'PAID', closedAt: '2026-03-03', activeDays: 1 });
    expect(c.balance.totalAmount).toBe(0);
  });

  it('settles unsettled allocations: one settlement per currency, one allocation per invoice, sums exact', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { dueDate: '2026-03-05', gross: 1000 });
    await createInvoice(sim, 2, { gross: 333.33 });
    await createInvoice(sim, 3, { gross: 50, currency: 'SEK' });
    sim.clock.advanceDays(10); // 03-12 (Thursday run at 06:00 had nothing to settle)
    sim.pay('1', '10.00');
    sim.pay('1', '500.00');
    sim.pay('2', '333.33');
    sim.pay('3', '20.50');
    const settlements = sim.runSettlement();
    expect(settlements.map((s) => [s.currency, s.settlementAmount, s.allocations.length])).toEqual([
      ['EUR', 843.33, 2],
      ['SEK', 20.5, 1],
    ]);
    for (const s of settlements) {
      expect(Number.isInteger(s.settlementId)).toBe(true);
      expect(s).toMatchObject({
        agency: 'CASH-IN',
        settlementDate: '2026-03-12',
        apiFetchDate: null,
      });
      expect(s.remittanceReference).toMatch(/^\d+$/);
      expect(s.allocations.reduce((sum, a) => sum + cents(a.allocatedTotalAmount), 0)).toBe(
        cents(s.settlementAmount),
      );
      for (const a of s.allocations) {
        expect(a.breakdown.map((b) => b.type)).toEqual(['CAPITAL', 'INTEREST', 'FEES']);
        expect(a.breakdown.reduce((sum, b) => sum + cents(b.amount), 0)).toBe(
          cents(a.allocatedTotalAmount),
        );
      }
    }
    expect(settlements[0]!.allocations[0]).toMatchObject({
      originalInvoiceNumber: '1',
      allocatedTotalAmount: 510,
      breakdown: [
        { type: 'CAPITAL', amount: 503.47 },
        { type: 'INTEREST', amount: 1.53 },
        { type: 'FEES', amount: 5 },
      ],
    });
    expect(sim.runSettlement()).toEqual([]);
    expect(sim.state().payments.every((p) => p.settlementId !== null)).toBe(true);
  });

  it('runs settlements automatically on the configured weekdays', async () => {
    const sim = newSim(); // Monday; runs Tuesday and Thursday 06:00 UTC
    await createInvoice(sim, 1, { gross: 100 });
    sim.pay('1', '40.00');
    sim.clock.advance(19 * 3_600_000); // Tuesday 05:00
    expect(sim.state().settlements).toEqual([]);
    sim.clock.advance(3_600_000); // Tuesday 06:00
    expect(sim.state().settlements.map((s) => s.settlementDate)).toEqual(['2026-03-03']);
    sim.pay('1', '60.00');
    sim.clock.advanceDays(7);
    expect(sim.state().settlements.map((s) => [s.settlementDate, s.settlementAmount])).toEqual([
      ['2026-03-03', 40],
      ['2026-03-05', 60],
    ]);
  });

  it('unfetchedOnly: the first read returns and marks them; the next is empty; a date window still returns them', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    sim.pay('1', '100.00');
    sim.runSettlement();
    sim.clock.advance(60_000);
    const first = await settlements(sim, '?unfetchedOnly=true');
    expect(first).toEqual({
      createdAt: '2026-03-02T10:01:00.000Z',
      settlements: [expect.objectContaining({ apiFetchDate: null })],
    });
    const second = await settlements(sim, '?unfetchedOnly=true');
    expect(second.settlements).toEqual([]);
    const window = await settlements(sim, '?fromDate=2026-03-01&toDate=2026-03-31');
    expect(window.settlements).toEqual([
      expect.objectContaining({
        settlementId: first.settlements[0]!.settlementId,
        apiFetchDate: '2026-03-02T10:01:00.000Z',
      }),
    ]);
    const again = await settlements(sim);
    expect(again.settlements[0]!.apiFetchDate).toBe('2026-03-02T10:01:00.000Z');
    expect((await settlements(sim, '?fromDate=2026-03-03&toDate=2026-03-10')).settlements).toEqual(
      [],
    );
    expect((await call(sim, 'GET', '/settlements?unfetchedOnly=yes')).status).toBe(400);
  });

  it('a plain date-window read also marks settlements fetched', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    sim.pay('1', '100.00');
    sim.runSettlement();
    expect((await settlements(sim)).settlements).toHaveLength(1);
    expect((await settlements(sim, '?unfetchedOnly=true')).settlements).toEqual([]);
  });
});
