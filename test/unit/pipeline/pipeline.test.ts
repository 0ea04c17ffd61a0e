/**
 * The exactly-once pipeline in process (test/helpers/pipeline-harness.ts): every inbound type to
 * the right agency call and result, duplicates, per-invoice order through the parked line,
 * permanent and transient agency failures, lost answers reconciled without a second effect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { createHarness, type Harness } from '../../helpers/pipeline-harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const created = (n: string) => envelope('acme', 'invoice.created', invoiceData(n));

describe('pipeline: every inbound type', () => {
  it('maps each type to its agency call and answers the ERP', async () => {
    h = await createHarness();
    await h.deliver(created('300001'));
    const actions = [
      envelope('acme', 'invoice.payment_received', {
        invoiceNumber: '300001',
        amount: '50.00',
        currency: 'EUR',
        paymentDate: '2026-11-25',
        reference: 'BANKREF-1',
      }),
      envelope('acme', 'invoice.due_date_extended', {
        invoiceNumber: '300001',
        dueDate: '2026-12-21',
      }),
      envelope('acme', 'invoice.paused', { invoiceNumber: '300001', reason: 'dispute' }),
      envelope('acme', 'invoice.objected', { invoiceNumber: '300001', reason: 'wrong amount' }),
      envelope('acme', 'invoice.payment_plan_requested', { invoiceNumber: '300001' }),
      envelope('acme', 'invoice.comment_added', {
        invoiceNumber: '300001',
        comment: 'called the customer',
      }),
      envelope('acme', 'invoice.withdrawn', {
        invoiceNumber: '300001',
        reason: 'settled elsewhere',
      }),
    ];
    for (const a of actions) await h.deliver(a);
    await h.drain();
    expect(h.deliveries.every((d) => d.acked)).toBe(true);
    const results = h.results();
    expect(results[0]).toMatchObject({
      type: 'invoice.accepted',
      data: { invoiceNumber: '300001' },
    });
    const codes = results.slice(1).map((r) => [r.type, r.data.code]);
    expect(codes).toEqual([
      ['action.accepted', 'DIRECTPAYMENT'],
      ['action.accepted', 'DUEDATE'],
      ['action.accepted', 'PAUSE'],
      ['action.accepted', 'OBJECTION'],
      ['action.accepted', 'PAYMENTPLAN'],
      ['action.accepted', 'COMMENT'],
      ['action.accepted', 'WITHDRAW'],
    ]);
    for (const [i, a] of actions.entries()) expect(results[i + 1]?.causationid).toBe(a.id);
    const state = h.sim.state();
    expect(state.invoiceCreates['300001']).toEqual({ received: 1, committed: 1 });
    expect(state.actions.map((a) => a.code)).toEqual([
      'DIRECTPAYMENT',
      'DUEDATE',
      'PAUSE',
      'OBJECTION',
      'PAYMENTPLAN',
      'COMMENT',
      'WITHDRAW',
    ]);
  });

  it('credits: a partial credit note is created; a full credit withdraws', async () => {
    h = await createHarness();
    await h.deliver(created('300002'));
    await h.deliver(
      envelope('acme', 'invoice.credited', {
        invoiceNumber: '300002',
        creditNoteNumber: '900002',
        amount: '50.00',
        currency: 'EUR',
        date: '2026-11-26',
      }),
    );
    await h.deliver(
      envelope('acme', 'invoice.credited', {
        invoiceNumber: '300002',
        creditNoteNumber: '900003',
        amount: '100.00',
        currency: 'EUR',
        date: '2026-11-27',
      }),
    );
    const state = h.sim.state();
    expect(state.invoiceCreates['900002']?.committed).toBe(1);
    expect(state.actions.map((a) => a.code)).toEqual(['WITHDRAW']);
    expect(h.results().map((r) => r.type)).toEqual([
      'invoice.accepted',
      'action.accepted',
      'action.accepted',
    ]);
  });

  it('accepts and stores a debt-collection request', async () => {
    h = await createHarness();
    const e = envelope('acme', 'invoice.debt_collection_requested', { invoiceNumber: '300003' });
    const d = await h.deliver(e);
    expect(d.acked).toBe(true);
    const task = await h.store.getTaskByInvoice('acme', '300003');
    expect(task?.state).toBe('PENDING_APPROVAL');
    expect(h.results()[0]).toMatchObject({
      type: 'debt_collection.pending_approval',
      causationid: e.id,
    });
  });
});

describe('pipeline: exactly once', () => {
  it('acks a duplicate id without a second call and re-publishes the same result', async () => {
    h = await createHarness();
    const e = created('310001');
    await h.deliver(e);
    await h.deliver(e);
    expect(h.sim.state().invoiceCreates['310001']).toEqual({ received: 1, committed: 1 });
    const results = h.results();
    expect(results).toHaveLength(2);
    expect(results[0]?.id).toBe(results[1]?.id);
  });

  it('parks events for an unknown invoice and applies them in order after the create', async () => {
    h = await createHarness();
    const pay = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '310002',
      amount: '10.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
    });
    const comment = envelope('acme', 'invoice.comment_added', {
      invoiceNumber: '310002',
      comment: 'second',
    });
    await h.deliver(pay);
    await h.deliver(comment);
    expect(await h.store.parkedFor('acme', '310002')).toHaveLength(2);
    expect(h.sim.state().actions).toHaveLength(0);
    await h.deliver(created('310002'));
    await h.drain();
    expect(h.sim.state().actions.map((a) => a.code)).toEqual(['DIRECTPAYMENT', 'COMMENT']);
    expect(await h.store.parkedFor('acme', '310002')).toHaveLength(0);
    expect(h.deadLetterCopies()).toHaveLength(0);
  });

  it('reconciles a DIRECTPAYMENT whose answer was lost: applied once, not sent again', async () => {
    h = await createHarness();
    await h.deliver(created('310003'));
    h.sim.setFaults({ commitThenDropRate: 1 });
    const pay = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '310003',
      amount: '25.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
      reference: 'R-1',
    });
    await h.deliver(pay);
    expect((await h.store.getInbox('acme', pay.id))?.state).toBe('UNKNOWN');
    h.sim.setFaults({ commitThenDropRate: 0 });
    await h.drain();
    expect((await h.store.getInbox('acme', pay.id))?.state).toBe('DONE');
    const keyed = Object.values(h.sim.state().actionsByKey).filter(
      (a) => a.code === 'DIRECTPAYMENT',
    );
    expect(keyed).toHaveLength(1);
    expect(keyed[0]?.committed).toBe(1);
    expect(h.results().at(-1)).toMatchObject({ type: 'action.accepted', causationid: pay.id });
  });

  it('an action whose earlier attempt stays unsettled goes to manual review after maxReconcileAttempts rounds, not maxAttempts', async () => {
    h = await createHarness({
      config: {
        broker: { retryDelaysMs: [100, 200], maxAttempts: 10 },
        // the earlier attempt stays inside its settle time: every reconcile round is unsettled
        pipeline: { reconcileSettleMs: 3_600_000, parkMaxHours: 1, maxReconcileAttempts: 2 },
      },
    });
    await h.deliver(created('310005'));
    // the action call fails ambiguously (500) after the case lookup succeeded
    h.sim.setFaults({ error500Rate: 1, endpoints: ['POST /invoice/action'] });
    const pay = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '310005',
      amount: '10.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
      reference: 'R-2',
    });
    await h.deliver(pay);
    expect((await h.store.getInbox('acme', pay.id))?.state).toBe('UNKNOWN');
    h.sim.setFaults({ error500Rate: 0, endpoints: [] });
    await h.drain();
    expect((await h.store.getInbox('acme', pay.id))?.state).toBe('MANUAL_REVIEW');
    const letters = await h.store.listDeadLetters({});
    expect(letters[0]).toMatchObject({ reason: 'manual_review', messageId: pay.id });
    // first delivery + 2 reconcile rounds; never re-sent, so no payment at the agency
    expect(letters[0]?.attempts).toBe(3);
    expect(h.sim.state().actions.filter((a) => a.code === 'DIRECTPAYMENT')).toHaveLength(0);
  });

  it('a create whose answer was lost is created once (409 counts as done)', async () => {
    h = await createHarness();
    h.sim.setFaults({ commitThenDropRate: 1 });
    const e = created('310004');
    await h.deliver(e);
    h.sim.setFaults({ commitThenDropRate: 0 });
    await h.drain();
    expect(h.sim.state().invoiceCreates['310004']?.committed).toBe(1);
    expect(h.results().filter((r) => r.type === 'invoice.accepted')).toHaveLength(1);
  });
});

describe('pipeline: failures', () => {
  it('dead-letters an invalid event with field paths and answers invoice.rejected', async () => {
    h = await createHarness();
    const bad = envelope(
      'acme',
      'invoice.created',
      invoiceData('320001', { dueDate: '2026-02-30' }),
    );
    const d = await h.deliver(bad);
    expect(d.acked).toBe(true);
    const [rejected] = h.results();
    expect(rejected).toMatchObject({ type: 'invoice.rejected', causationid: bad.id });
    expect(JSON.stringify(rejected?.data)).toContain('data.dueDate');
    const copies = h.deadLetterCopies();
    expect(copies[0]?.options.headers?.['x-dead-letter-reason']).toBe('invalid_message');
    const letters = await h.store.listDeadLetters({});
    expect(letters[0]).toMatchObject({ reason: 'invalid_message', messageId: bad.id });
    expect(h.sim.state().ledger).toHaveLength(0);
  });

  it('dead-letters garbage without crashing', async () => {
    h = await createHarness();
    const d = await h.deliverBody('acme.invoice.created', '{"nope', 'g-1');
    expect(d.acked).toBe(true);
    expect(h.deadLetterCopies()).toHaveLength(1);
  });

  it('retries 5xx through the delay queue, then dead-letters with action.rejected', async () => {
    h = await createHarness();
    await h.deliver(created('320002'));
    h.sim.setFaults({ error500Rate: 1 });
    const e = envelope('acme', 'invoice.comment_added', { invoiceNumber: '320002', comment: 'x' });
    await h.deliver(e);
    expect(h.delayed).toHaveLength(1);
    await h.drain();
    const letters = await h.store.listDeadLetters({});
    expect(letters[0]).toMatchObject({ reason: 'retries_exhausted', messageId: e.id });
    expect(letters[0]?.agencyAnswers.length).toBeGreaterThan(0);
    expect(h.results().at(-1)).toMatchObject({ type: 'action.rejected', causationid: e.id });
  });

  it('dead-letters an agency 404 at once (stale case id)', async () => {
    h = await createHarness();
    await h.deliver(created('320003'));
    const inv = await h.store.getInvoice('acme', '320003');
    await h.store.commit({ invoices: [{ ...inv!, caseId: '999999999' }] });
    const e = envelope('acme', 'invoice.paused', { invoiceNumber: '320003' });
    await h.deliver(e);
    expect(h.delayed).toHaveLength(0);
    expect((await h.store.listDeadLetters({}))[0]).toMatchObject({ reason: 'agency_rejected' });
    expect(h.results().at(-1)).toMatchObject({ type: 'action.rejected' });
  });

  it('keeps the result in the outbox when the broker does not confirm, and acks', async () => {
    h = await createHarness();
    h.setPublishFailing(true);
    const e = created('320004');
    const d = await h.deliver(e);
    expect(d.acked).toBe(true);
    expect(await h.store.pendingOutbox(10)).toHaveLength(1);
  });
});
