import { describe, expect, it } from 'vitest';
import { action, call, createInvoice, getCase, newSim } from './fixtures.ts';

describe('simulator actions', () => {
  it('accepts actions as PENDING, records them as case events at once, applies them on the next advance', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1);
    const res = await call(sim, 'POST', '/invoice/action', {
      actions: [
        action('COMMENT', 1, caseId, 'evt-1'),
        action('OBJECTION', 1, caseId, 'evt-2'),
        action('PAYMENTPLAN', 1, caseId, 'evt-3'),
      ],
    });
    expect(res).toMatchObject({
      status: 200,
      body: {
        accepted: 3,
        actions: [
          { code: 'COMMENT', status: 'PENDING' },
          { code: 'OBJECTION', status: 'PENDING' },
          { code: 'PAYMENTPLAN', status: 'PENDING' },
        ],
      },
    });
    const pending = (await getCase(sim, 1)).events.filter((e) => e.comment?.startsWith('evt-'));
    expect(pending.map((e) => [e.type, e.comment, e.status])).toEqual([
      ['COMMENT', 'evt-1', 'PENDING'],
      ['OBJECTION', 'evt-2', 'PENDING'],
      ['PAYMENTPLAN', 'evt-3', 'PENDING'],
    ]);
    sim.clock.advance(0);
    const done = (await getCase(sim, 1)).events.filter((e) => e.comment?.startsWith('evt-'));
    expect(done.map((e) => e.status)).toEqual(['DONE', 'DONE', 'DONE']);
    expect(sim.state().actionsByKey['1|evt-2']).toEqual({
      code: 'OBJECTION',
      received: 1,
      committed: 1,
      applied: 1,
    });
  });

  it('answers 404 for an unknown case or a case of another invoice, committing none of the batch', async () => {
    const sim = newSim();
    const c1 = await createInvoice(sim, 1);
    const c2 = await createInvoice(sim, 2);
    const unknown = await call(sim, 'POST', '/invoice/action', {
      actions: [action('COMMENT', 1, c1, 'ok'), action('COMMENT', 1, 999_999, 'bad')],
    });
    expect(unknown).toMatchObject({
      status: 404,
      body: { message: 'Case not found', errors: [{ field: 'actions[1].data.caseId' }] },
    });
    const mismatch = await call(sim, 'POST', '/invoice/action', {
      actions: [action('WITHDRAW', 2, c1, 'bad')],
    });
    expect(mismatch.status).toBe(404);
    expect(sim.state().actions).toEqual([]);
    expect(c2).not.toBe(c1);
  });

  it('answers 400 with indexed field paths', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1);
    const res = await call(sim, 'POST', '/invoice/action', {
      actions: [action('DUEDATE', 1, caseId, 'x')],
    });
    expect(res).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'actions[0].data.dueDate', message: 'required for DUEDATE' }] },
    });
  });

  it('WITHDRAW closes the case as WITHDRAWN; later actions on it are REJECTED', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1, { dueDate: '2026-03-05' });
    await call(sim, 'POST', '/invoice/action', {
      actions: [action('WITHDRAW', 1, caseId, 'evt-w')],
    });
    sim.clock.advanceDays(1);
    await call(sim, 'POST', '/invoice/action', { actions: [action('PAUSE', 1, caseId, 'evt-p')] });
    sim.clock.advanceDays(40);
    const c = await getCase(sim, 1);
    expect(c.summary).toMatchObject({
      status: 'WITHDRAWN',
      stage: 'INVOICE',
      closedAt: '2026-03-02',
    });
    expect(c.events.find((e) => e.comment === 'evt-p')).toMatchObject({
      status: 'REJECTED',
      message: 'case is WITHDRAWN',
    });
    expect(() => sim.pay('1', '1.00')).toThrow(/WITHDRAWN/);
  });

  it('DIRECTPAYMENT lowers the capital, carries amount and reference, and creates no payment or settlement', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1, { gross: 250.75 });
    const dp = action('DIRECTPAYMENT', 1, caseId, 'evt-dp', {
      paymentMethod: 'Bankgiro',
      amount: 200.75,
      currency: 'EUR',
      paymentDate: '2026-03-01',
      reference: 'BANKREF-88921',
    });
    await call(sim, 'POST', '/invoice/action', { actions: [dp] });
    expect((await getCase(sim, 1)).events.at(-1)).toMatchObject({
      type: 'DIRECTPAYMENT',
      status: 'PENDING',
      amount: 200.75,
      reference: 'BANKREF-88921',
    });
    sim.clock.advance(0);
    const c = await getCase(sim, 1);
    expect(c.summary.status).toBe('PARTIALLY_PAID');
    expect(c.balance).toEqual({
      capitalAmount: 50,
      interestAmount: 0,
      costsAmount: 0,
      totalAmount: 50,
    });
    expect(c.payments).toEqual([
      {
        paymentDate: '2026-03-01',
        amount: 200.75,
        reference: 'BANKREF-88921',
        source: 'DIRECT',
        allocationId: null,
      },
    ]);
    expect((await call(sim, 'GET', '/payments')).body).toEqual([]);
    expect(sim.runSettlement()).toEqual([]);
  });

  it('counts a resent DIRECTPAYMENT twice (the simulator does not deduplicate actions)', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1, { gross: 100 });
    const dp = action('DIRECTPAYMENT', 1, caseId, 'erp-evt-9', {
      amount: 10,
      currency: 'EUR',
      paymentDate: '2026-03-01',
    });
    await call(sim, 'POST', '/invoice/action', { actions: [dp] });
    await call(sim, 'POST', '/invoice/action', { actions: [dp] });
    sim.clock.advance(0);
    expect(sim.state().actionsByKey['1|erp-evt-9']).toEqual({
      code: 'DIRECTPAYMENT',
      received: 2,
      committed: 2,
      applied: 2,
    });
    expect((await getCase(sim, 1)).balance.capitalAmount).toBe(80);
  });

  it('rejects a DIRECTPAYMENT in another currency or above the balance; a full one closes the case as PAID', async () => {
    const sim = newSim();
    const caseId = await createInvoice(sim, 1, { gross: 100 });
    const dp = (amount: number, currency: string, comment: string) =>
      action('DIRECTPAYMENT', 1, caseId, comment, { amount, currency, paymentDate: '2026-03-01' });
    await call(sim, 'POST', '/invoice/action', {
      actions: [dp(10, 'SEK', 'a'), dp(100.01, 'EUR', 'b'), dp(100, 'EUR', 'c')],
    });
    sim.clock.advance(0);
    const state = sim.state();
    expect(state.actions.map((a) => [a.comment, a.status, a.message])).toEqual([
      ['a', 'REJECTED', 'currency SEK is not the case currency'],
      ['b', 'REJECTED', 'amount exceeds the case balance'],
      ['c', 'DONE', null],
    ]);
    expect((await getCase(sim, 1)).summary).toMatchObject({
      status: 'PAID',
      closedAt: '2026-03-02',
    });
  });

  it('applies actions while answering when applyActionsImmediately is set', async () => {
    const sim = newSim({ lifecycle: { applyActionsImmediately: true } });
    const caseId = await createInvoice(sim, 1);
    const res = await call<{ actions: unknown[] }>(sim, 'POST', '/invoice/action', {
      actions: [action('WITHDRAW', 1, caseId, 'w')],
    });
    expect(res.body.actions).toEqual([{ code: 'WITHDRAW', status: 'PENDING' }]);
    expect((await getCase(sim, 1)).summary.status).toBe('WITHDRAWN');
  });

  it('waits for a configured action delay', async () => {
    const sim = newSim({ lifecycle: { actionDelayMs: 60_000 } });
    const caseId = await createInvoice(sim, 1);
    await call(sim, 'POST', '/invoice/action', { actions: [action('PAUSE', 1, caseId, 'p')] });
    sim.clock.advance(59_999);
    expect(sim.state().actions[0]!.status).toBe('PENDING');
    sim.clock.advance(1);
    expect(sim.state().actions[0]!.status).toBe('DONE');
  });
});
