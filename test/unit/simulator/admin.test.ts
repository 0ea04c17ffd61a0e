import { describe, expect, it } from 'vitest';
import type { SimStateView, Simulator } from '../../../adapters/agency/simulator/index.ts';
import { call, createInvoice, newSim } from './fixtures.ts';

async function admin<T = Record<string, unknown>>(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await sim.app.request(`http://sim.test/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('simulator admin API (/_sim)', () => {
  it('advances the clock by days or ms and reports settlements made on the way', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    sim.pay('1', '100.00');
    const res = await admin(sim, 'POST', '/clock/advance', { days: 1 });
    expect(res.body.now).toBe('2026-03-03T10:00:00.000Z');
    expect(res.body.settlements).toHaveLength(1);
    expect((await admin(sim, 'POST', '/clock/advance', { ms: 1000 })).body.now).toBe(
      '2026-03-03T10:00:01.000Z',
    );
    expect((await admin(sim, 'POST', '/clock/advance', { days: -1 })).status).toBe(400);
    expect((await admin(sim, 'GET', '/clock')).body.now).toBe('2026-03-03T10:00:01.000Z');
  });

  it('records a debtor payment and runs a settlement', async () => {
    const sim = newSim();
    await createInvoice(sim, 1, { gross: 100 });
    const paid = await admin(sim, 'POST', '/payments', {
      invoiceNumber: '1',
      amount: '30.00',
      reference: 'R-1',
    });
    expect(paid).toMatchObject({
      status: 200,
      body: { invoiceNumber: '1', amount: 30, originalPaymentReference: 'R-1' },
    });
    expect(
      (await admin(sim, 'POST', '/payments', { invoiceNumber: '9', amount: '1.00' })).status,
    ).toBe(404);
    expect(
      (await admin(sim, 'POST', '/payments', { invoiceNumber: '1', amount: '1000.00' })).status,
    ).toBe(400);
    const run = await admin(sim, 'POST', '/settlement-run');
    expect(run.body.settlements).toMatchObject([{ settlementAmount: 30, currency: 'EUR' }]);
  });

  it('shows the state, in full or as a summary', async () => {
    const sim = newSim();
    await createInvoice(sim, 1);
    const full = await admin<SimStateView>(sim, 'GET', '/state');
    expect(full.body.invoices).toHaveLength(1);
    expect(full.body.cases[0]!.summary.invoiceNumber).toBe(1);
    const summary = await admin(sim, 'GET', '/state?summary=true');
    expect(summary.body).toMatchObject({
      invoices: 1,
      cases: 1,
      requestCounts: { 'POST /invoice 200': 1 },
    });
  });

  it('changes faults at run time and validates them', async () => {
    const sim = newSim();
    const put = await admin(sim, 'PUT', '/faults', {
      error503Rate: 1,
      endpoints: ['GET /validate'],
    });
    expect(put.body).toMatchObject({ error503Rate: 1, endpoints: ['GET /validate'] });
    expect((await call(sim, 'GET', '/validate')).status).toBe(503);
    const bad = await admin<{ errors: { field: string }[] }>(sim, 'PUT', '/faults', {
      error503Rate: 'often',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.field).toBe('error503Rate');
    expect((await admin(sim, 'GET', '/faults')).body.error503Rate).toBe(1);
  });

  it('resets state, ledger, faults and clock', async () => {
    const sim = newSim({ faults: { next: ['none'] } });
    await createInvoice(sim, 1);
    sim.setFaults({ error500Rate: 1 });
    sim.clock.advanceDays(3);
    expect((await admin(sim, 'POST', '/reset')).body).toEqual({
      reset: true,
      now: '2026-03-02T10:00:00.000Z',
    });
    const view = sim.state();
    expect([view.invoices, view.ledger, view.cases]).toEqual([[], [], []]);
    expect((await call(sim, 'GET', '/validate')).status).toBe(200);
    expect(
      (await call(sim, 'POST', '/invoice', (await import('./fixtures.ts')).invoiceBody(1))).status,
    ).toBe(200);
  });
});
