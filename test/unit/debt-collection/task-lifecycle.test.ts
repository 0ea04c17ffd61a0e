/**
 * The debt-collection task (contract §6) on the in-process simulator: approval (auto, manual,
 * many), the per-run limit, sending (the invoice is created at the agency), collected, paid in
 * the ERP, the days limit, manual cancel, and the Atomia `query` reply in each state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { envelope } from '../../helpers/events.ts';
import { createTaskHarness } from './task-harness.ts';

type H = Awaited<ReturnType<typeof createTaskHarness>>;
let h: H;
afterEach(async () => {
  await h.close();
});

const states = (types: string[]) => types.filter((t) => t.startsWith('debt_collection.'));

describe('debt-collection task', () => {
  it('manual approval, per-run limit, sent (invoice created), credit requested, query replies', async () => {
    h = await createTaskHarness({ approvedItemsPerRun: 2, creditInvoice: true });
    const ids = [];
    for (const n of ['300001', '300002', '300003']) ids.push(await h.requestTask(n));
    const [a, b, c] = ids as [string, string, string];
    expect((await h.store.getTask(a))?.state).toBe('PENDING_APPROVAL');
    expect(await h.query(a)).toMatchObject({
      Found: true,
      State: 'PENDING_APPROVAL',
      Collected: false,
    });

    const nothing = await h.tasks.runOnce();
    expect(nothing.sent).toBe(0);
    expect(h.sim.state().invoiceCreates).toEqual({});

    const approved = await h.tasks.approveMany([a, b, c, 'dc-acme-404'], 'alice');
    expect(approved.map((r) => r.ok)).toEqual([true, true, true, false]);
    await expect(h.tasks.approve(a, 'alice')).rejects.toThrow(/APPROVED/);
    expect(await h.query(a)).toMatchObject({ State: 'APPROVED' });
    expect((await h.store.listAudit({})).filter((e) => e.action === 'task.approve')).toHaveLength(
      3,
    );

    const first = await h.tasks.runOnce();
    expect(first.sent).toBe(2); // approvedItemsPerRun
    expect(Object.keys(h.sim.state().invoiceCreates).sort()).toEqual(['300001', '300002']);
    const second = await h.tasks.runOnce();
    expect(second.sent).toBe(1);
    expect((await h.store.getTask(c))?.state).toBe('SENT');
    expect((await h.store.getInvoice('acme', '300003'))?.status).toBe('CREATED');
    expect(await h.query(c)).toMatchObject({
      State: 'SENT',
      Collected: false,
      CancelledByCollector: false,
    });

    const mine = h
      .erpEvents()
      .filter((e) => e.data.requestId === a)
      .map((e) => e.type);
    expect(states(mine)).toEqual([
      'debt_collection.pending_approval',
      'debt_collection.approved',
      'debt_collection.sent',
      'debt_collection.credit_requested',
    ]);
  });

  it('auto approval; collected once the case is paid and settled, with amounts and document id', async () => {
    h = await createTaskHarness({ autoApprove: true, statusCheckMinutes: 60 });
    const id = await h.requestTask('300010');
    expect((await h.store.getTask(id))?.state).toBe('APPROVED');
    await h.tasks.runOnce();
    expect((await h.store.getTask(id))?.state).toBe('SENT');

    h.sim.clock.advance(3_600_000);
    const balance = h.sim.state().cases.find((x) => String(x.summary.invoiceNumber) === '300010')
      ?.balance.totalAmount;
    h.sim.pay('300010', (balance ?? 0).toFixed(2));
    h.sim.clock.advance(61 * 60_000);
    await h.tasks.runOnce(); // paid, not yet settled: waits
    expect((await h.store.getTask(id))?.state).toBe('SENT');
    expect(await h.query(id)).toMatchObject({ Collected: false });

    const [settlement] = h.sim.runSettlement();
    await h.pollers.runNow('settlements');
    h.sim.clock.advance(61 * 60_000);
    await h.tasks.runOnce();
    const task = await h.store.getTask(id);
    expect(task?.state).toBe('COLLECTED');
    const collected = h.erpEvents('debt_collection.collected')[0]?.data;
    expect(collected).toMatchObject({
      requestId: id,
      state: 'COLLECTED',
      collectedAmount: (balance ?? 0).toFixed(2),
      documentId: String(settlement?.settlementId),
      paymentDate: settlement?.settlementDate,
      credited: false,
    });
    expect(await h.query(id)).toMatchObject({
      Collected: true,
      State: 'COLLECTED',
      DocumentId: String(settlement?.settlementId),
      CollectedAmount: (balance ?? 0).toFixed(2),
    });
  });

  it('paid in the ERP while SENT: DIRECTPAYMENT + WITHDRAW, task CANCELLED (PAID_IN_ERP)', async () => {
    h = await createTaskHarness({ autoApprove: true });
    const id = await h.requestTask('300020');
    await h.tasks.runOnce();
    const payment = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '300020',
      amount: '150.00',
      currency: 'EUR',
      paymentDate: h.sim.clock.now().toISOString().slice(0, 10),
    });
    expect(await h.deliverWithHook(payment)).toBe(true);
    const task = await h.store.getTask(id);
    expect(task).toMatchObject({ state: 'CANCELLED', reason: 'PAID_IN_ERP' });
    const actions = h.sim.state().actions.filter((x) => String(x.invoiceNumber) === '300020');
    expect(actions.map((x) => x.code)).toEqual(['DIRECTPAYMENT', 'WITHDRAW']);
    expect((await h.store.getInvoice('acme', '300020'))?.paidAmount).toBe('150.00');
    expect(h.erpEvents('debt_collection.cancelled')[0]?.data).toMatchObject({
      reason: 'PAID_IN_ERP',
    });
    expect(await h.query(id)).toMatchObject({ State: 'CANCELLED', CancelledByCollector: false });
  });

  it('a partial payment while SENT stays a plain DIRECTPAYMENT', async () => {
    h = await createTaskHarness({ autoApprove: true });
    const id = await h.requestTask('300021');
    await h.tasks.runOnce();
    const payment = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '300021',
      amount: '50.00',
      currency: 'EUR',
      paymentDate: h.sim.clock.now().toISOString().slice(0, 10),
    });
    expect(await h.deliverWithHook(payment)).toBe(true);
    expect((await h.store.getTask(id))?.state).toBe('SENT');
    const actions = h.sim.state().actions.filter((x) => String(x.invoiceNumber) === '300021');
    expect(actions.map((x) => x.code)).toEqual(['DIRECTPAYMENT']);
  });

  it('days limit: WITHDRAW, CANCELLED (DAYS_LIMIT); query says cancelled by collector', async () => {
    h = await createTaskHarness({ autoApprove: true, daysLimit: 30, statusCheckMinutes: 60 });
    const id = await h.requestTask('300030');
    await h.tasks.runOnce();
    h.sim.clock.advanceDays(29);
    await h.tasks.runOnce();
    expect((await h.store.getTask(id))?.state).toBe('SENT');
    h.sim.clock.advanceDays(2);
    await h.tasks.runOnce();
    expect(await h.store.getTask(id)).toMatchObject({ state: 'CANCELLED', reason: 'DAYS_LIMIT' });
    const actions = h.sim.state().actions.filter((x) => String(x.invoiceNumber) === '300030');
    expect(actions.map((x) => x.code)).toEqual(['WITHDRAW']);
    expect(await h.query(id)).toMatchObject({ State: 'CANCELLED', CancelledByCollector: true });
    await h.tasks.runOnce();
    expect(h.sim.state().actions.filter((x) => String(x.invoiceNumber) === '300030')).toHaveLength(
      1,
    );
  });

  it('manual cancel of a SENT task withdraws it at the agency', async () => {
    h = await createTaskHarness({ autoApprove: true });
    const id = await h.requestTask('300040');
    await h.tasks.runOnce();
    const cancelled = await h.tasks.cancel(id, 'bob', 'customer disputes');
    expect(cancelled).toMatchObject({ state: 'CANCELLED', reason: 'MANUAL' });
    expect(h.sim.state().actions.map((x) => x.code)).toEqual(['WITHDRAW']);
    expect(await h.query(id)).toMatchObject({ State: 'CANCELLED', CancelledByCollector: false });
    await expect(h.tasks.cancel(id, 'bob', 'again')).rejects.toThrow(/CANCELLED/);
  });
});
