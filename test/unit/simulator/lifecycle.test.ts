import { describe, expect, it } from 'vitest';
import {
  action,
  call,
  createInvoice,
  distributions,
  getCase,
  invoiceBody,
  newSim,
} from './fixtures.ts';

describe('simulator lifecycle on the simulated clock', () => {
  it('distributes on the next clock advance: DELIVERED, or FAILED with a reason', async () => {
    const sim = newSim();
    await call(sim, 'POST', '/invoice', invoiceBody(1));
    await call(sim, 'POST', '/invoice', invoiceBody(2, { email: 'nobody@invalid.example' }));
    await call(sim, 'POST', '/invoice', invoiceBody(3, { method: 'LETTER', street: '' }));
    await call(
      sim,
      'POST',
      '/invoice',
      invoiceBody(4, { method: 'LETTER', paymentControl: false }),
    );
    const before = await distributions(sim);
    expect(before.distributions.map((d) => d.status)).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
    ]);

    sim.clock.advance(1);
    const after = await distributions(sim);
    expect(after.metaData).toEqual({
      totalCount: 4,
      successfulCount: 2,
      failedCount: 2,
      filtersApplied: {
        invoiceNumber: null,
        fromInvDate: '2026-01-31',
        toInvDate: '2026-03-02',
        fetchType: null,
        defaultLast30Days: true,
      },
    });
    const byNumber = Object.fromEntries(after.distributions.map((d) => [d.invoiceNumber, d]));
    expect(byNumber[1]).toMatchObject({
      status: 'DELIVERED',
      method: 'EMAIL',
      caseId: expect.any(Number),
      errorMessage: null,
    });
    expect(byNumber[2]).toMatchObject({
      status: 'FAILED',
      errorMessage: expect.stringContaining('Email rejected'),
    });
    expect(byNumber[3]).toMatchObject({
      status: 'FAILED',
      errorMessage: 'Postal address incomplete: street missing',
    });
    expect(byNumber[4]).toMatchObject({ status: 'DELIVERED', caseId: null });
    const events = (await getCase(sim, 2)).events.map((e) => e.type);
    expect(events).toEqual(['CREATED', 'DISTRIBUTION_FAILED']);
  });

  it('filters distributions by number, invoice dates and fetchType', async () => {
    const sim = newSim();
    await call(
      sim,
      'POST',
      '/invoice',
      invoiceBody(1, { date: '2026-01-10', dueDate: '2026-01-20' }),
    );
    await call(
      sim,
      'POST',
      '/invoice',
      invoiceBody(2, { date: '2026-02-20', email: 'x@invalid.example' }),
    );
    sim.clock.advance(0);
    const q = (query: string) => distributions(sim, `?${query}`);
    expect((await q('')).distributions.map((d) => d.invoiceNumber)).toEqual([2]);
    expect(
      (await q('fromInvDate=2026-01-01&toInvDate=2026-03-01')).distributions.map(
        (d) => d.invoiceNumber,
      ),
    ).toEqual([1, 2]);
    expect(
      (await q('fromInvDate=2026-01-01&fetchType=FAILED')).distributions.map(
        (d) => d.invoiceNumber,
      ),
    ).toEqual([2]);
    expect((await q('invoiceNumber=1')).distributions.map((d) => d.invoiceNumber)).toEqual([1]);
    expect((await q('invoiceNumber=1&fromInvDate=2026-02-01')).distributions).toEqual([]);
    expect((await call(sim, 'GET', '/invoice/distribution?fromInvDate=2026-02-30')).status).toBe(
      400,
    );
    expect((await call(sim, 'GET', '/invoice/distribution?fetchType=SOMETIMES')).status).toBe(400);
  });

  it('waits for a configured distribution delay', async () => {
    const sim = newSim({ lifecycle: { distributionDelayMs: 3_600_000 } });
    await call(sim, 'POST', '/invoice', invoiceBody(1));
    sim.clock.advance(3_599_999);
    expect(sim.state().invoices[0]!.distributionStatus).toBe('PENDING');
    sim.clock.advance(1);
    expect(sim.state().invoices[0]!.distributionStatus).toBe('DELIVERED');
  });

  it('moves unpaid cases through REMINDER, NOTICE, COLLECTION with fees and daily interest', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { dueDate: '2026-03-05', gross: 1000 });
    const at = async () => {
      const c = await getCase(sim, 1);
      return { stage: c.summary.stage, ...c.balance };
    };
    sim.clock.advanceDays(9); // 03-11: 6 days overdue
    expect(await at()).toEqual({
      stage: 'INVOICE',
      capitalAmount: 1000,
      interestAmount: 1.32,
      costsAmount: 0,
      totalAmount: 1001.32,
    });
    sim.clock.advanceDays(1); // 03-12: due + 7
    expect(await at()).toEqual({
      stage: 'REMINDER',
      capitalAmount: 1000,
      interestAmount: 1.53,
      costsAmount: 5,
      totalAmount: 1006.53,
    });
    sim.clock.advanceDays(14); // 03-26: due + 21
    expect(await at()).toEqual({
      stage: 'NOTICE',
      capitalAmount: 1000,
      interestAmount: 4.6,
      costsAmount: 15,
      totalAmount: 1019.6,
    });
    sim.clock.advanceDays(14); // 04-09: due + 35
    expect(await at()).toEqual({
      stage: 'COLLECTION',
      capitalAmount: 1000,
      interestAmount: 7.67,
      costsAmount: 40,
      totalAmount: 1047.67,
    });
    const c = await getCase(sim, 1);
    expect(c.events.map((e) => [e.type, e.at.slice(0, 10), e.amount])).toEqual([
      ['CREATED', '2026-03-02', null],
      ['DISTRIBUTED', '2026-03-02', null],
      ['REMINDER_SENT', '2026-03-12', 5],
      ['NOTICE_SENT', '2026-03-26', 10],
      ['COLLECTION_STARTED', '2026-04-09', 25],
    ]);
  });

  it('jumps every stage whose offset passed in one advance, and uses the invoice interest rate', async () => {
    const sim = newSim({
      lifecycle: { reminderFeeCents: 700, noticeFeeCents: 0, collectionFeeCents: 100 },
    });
    await createInvoice(sim, 1, {
      dueDate: '2026-03-01',
      gross: 365,
      penaltyInterestPercentage: 10,
    });
    sim.clock.advanceDays(99); // 2026-06-09: 100 days overdue
    const c = await getCase(sim, 1);
    expect(c.summary.stage).toBe('COLLECTION');
    expect(c.balance).toEqual({
      capitalAmount: 365,
      interestAmount: 10,
      costsAmount: 8,
      totalAmount: 383,
    });
  });

  it('PAUSE stops stage changes (interest keeps accruing); DUEDATE moves the stages', async () => {
    const sim = newSim();
    const paused = await createInvoice(sim, 1, { dueDate: '2026-03-05', gross: 1000 });
    const moved = await createInvoice(sim, 2, { dueDate: '2026-03-05', gross: 1000 });
    await call(sim, 'POST', '/invoice/action', {
      actions: [
        action('PAUSE', 1, paused, 'evt-pause'),
        action('DUEDATE', 2, moved, 'evt-due', { dueDate: '2026-04-05' }),
      ],
    });
    sim.clock.advanceDays(40); // 04-11
    const c1 = await getCase(sim, 1);
    expect(c1.summary).toMatchObject({ stage: 'INVOICE', paused: true });
    expect(c1.balance.costsAmount).toBe(0);
    expect(c1.balance.interestAmount).toBeGreaterThan(0);
    const c2 = await getCase(sim, 2);
    expect(c2.summary).toMatchObject({ stage: 'INVOICE', dueDate: '2026-04-05' });
    sim.clock.advanceDays(1); // 04-12 = new due + 7
    expect((await getCase(sim, 2)).summary.stage).toBe('REMINDER');
  });

  it('stops at NOTICE for a buyer with disableCollection', async () => {
    const sim = newSim();
    const body = invoiceBody(1, { dueDate: '2026-03-05' });
    body.invoice.parties.buyerParty.disableCollection = true;
    expect((await call(sim, 'POST', '/invoice', body)).status).toBe(200);
    sim.clock.advanceDays(60);
    const c = await getCase(sim, 1);
    expect(c.summary.stage).toBe('NOTICE');
    expect(c.balance.costsAmount).toBe(15);
  });

  it('runs distributions, actions and stages that became due while no one advanced the clock', async () => {
    const sim = newSim();
    sim.clock.advanceDays(30);
    const caseId = await createInvoice(sim, 1, { date: '2026-01-01', dueDate: '2026-01-15' }); // overdue at create
    await call(sim, 'POST', '/invoice/action', { actions: [action('COMMENT', 1, caseId, 'note')] });
    sim.clock.advance(0);
    const c = await getCase(sim, 1);
    expect(c.summary.stage).toBe('COLLECTION');
    expect(c.events.find((e) => e.type === 'COMMENT')).toMatchObject({ status: 'DONE' });
  });
});
