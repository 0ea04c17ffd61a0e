import { describe, expect, it } from 'vitest';
import type { WireCase } from '../../../adapters/agency/simulator/index.ts';
import { call, createInvoice, getCase, invoiceBody, newSim } from './fixtures.ts';

describe('simulator partner API: auth, create, validation', () => {
  it('answers 401 without a key or with an unknown key', async () => {
    const sim = newSim();
    expect(await call(sim, 'GET', '/validate', undefined, null)).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' },
    });
    expect(await call(sim, 'GET', '/validate', undefined, 'nope')).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' },
    });
    expect(await call(sim, 'GET', '/validate')).toMatchObject({
      status: 200,
      body: { isValid: true, message: 'Token is valid' },
    });
  });

  it('creates an invoice: 200 with the number as integer', async () => {
    const sim = newSim();
    const res = await call(sim, 'POST', '/invoice', invoiceBody(251601000));
    expect(res).toMatchObject({
      status: 200,
      body: { invoiceNumber: 251601000, status: 'ACCEPTED' },
    });
    expect(sim.state().invoices).toMatchObject([
      { invoiceNumber: '251601000', caseId: expect.any(Number) },
    ]);
  });

  it('answers 400 with field paths, and commits nothing', async () => {
    const sim = newSim();
    const body = invoiceBody(5);
    body.invoice.header.dueDate = '2026-02-31';
    body.invoice.parties.buyerParty.address.countryCode = 'QQ';
    const res = await call(sim, 'POST', '/invoice', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'Validation failed',
      errors: [
        { field: 'invoice.header.dueDate', message: expect.any(String) },
        { field: 'invoice.parties.buyerParty.address.countryCode', message: expect.any(String) },
      ],
    });
    expect(sim.state().invoices).toEqual([]);
    expect(sim.state().ledger[0]).toMatchObject({
      status: 400,
      committed: false,
      invoiceNumber: '5',
    });
  });

  it('answers 400 on malformed JSON', async () => {
    const sim = newSim();
    expect(await call(sim, 'POST', '/invoice', '{"processing":')).toMatchObject({
      status: 400,
      body: { message: 'Malformed JSON body' },
    });
  });

  it('answers 409 on a repeated number for the same key only', async () => {
    const sim = newSim({ apiKeys: ['k1', 'k2'] });
    expect((await call(sim, 'POST', '/invoice', invoiceBody(7), 'k1')).status).toBe(200);
    expect(await call(sim, 'POST', '/invoice', invoiceBody(7), 'k1')).toMatchObject({
      status: 409,
      body: { message: 'Invoice number already exists' },
    });
    expect((await call(sim, 'POST', '/invoice', invoiceBody(7), 'k2')).status).toBe(200);
    const credit = invoiceBody(7, { type: 'CREDIT_NOTE', creditedInvoiceNumber: 7 });
    expect((await call(sim, 'POST', '/invoice', credit, 'k1')).status).toBe(409);
    expect(sim.state().invoiceCreates['7']).toEqual({ received: 4, committed: 2 });
  });

  it('a credit note has its own number and lowers the credited case capital', async () => {
    const sim = newSim();
    await createInvoice(sim, 10, { gross: 124 });
    const credit = invoiceBody(11, { type: 'CREDIT_NOTE', creditedInvoiceNumber: 10, gross: 24 });
    expect((await call(sim, 'POST', '/invoice', credit)).status).toBe(200);
    const found = await getCase(sim, 10);
    expect(found.balance).toEqual({
      capitalAmount: 100,
      interestAmount: 0,
      costsAmount: 0,
      totalAmount: 100,
    });
    expect(found.events.map((e) => e.type)).toContain('CREDITED');
  });

  it('renew returns a new key; both the new and the old key stay valid on the same account', async () => {
    const sim = newSim();
    await createInvoice(sim, 20);
    const renewed = await call<{ Message: string }>(sim, 'GET', '/renew');
    expect(renewed.status).toBe(200);
    const newKey = renewed.body.Message;
    expect(newKey).toMatch(/^sim-renewed-1-/);
    expect(
      (await call(sim, 'GET', '/invoice/case?invoiceNumber=20', undefined, newKey)).status,
    ).toBe(200);
    expect((await call(sim, 'GET', '/validate')).status).toBe(200);
    expect((await call(sim, 'POST', '/invoice', invoiceBody(20), newKey)).status).toBe(409);
  });

  it('finds a case by caseId or invoiceNumber; 404 for unknown, other accounts, or a mismatch', async () => {
    const sim = newSim({ apiKeys: ['k1', 'k2'] });
    const res = await call(sim, 'POST', '/invoice', invoiceBody(30), 'k1');
    expect(res.status).toBe(200);
    const byNumber = await call<{ case: WireCase }>(
      sim,
      'GET',
      '/invoice/case?invoiceNumber=30',
      undefined,
      'k1',
    );
    const caseId = byNumber.body.case.summary.caseId;
    expect(Number.isInteger(caseId)).toBe(true);
    const byId = await call<{ case: WireCase }>(
      sim,
      'GET',
      `/invoice/case?caseId=${caseId}`,
      undefined,
      'k1',
    );
    expect(byId.body).toEqual(byNumber.body);
    expect(byId.body.case.summary).toMatchObject({
      invoiceNumber: 30,
      status: 'OPEN',
      stage: 'INVOICE',
      currency: 'EUR',
      agency: 'CASH-IN',
      dueDate: '2026-03-15',
      closedAt: null,
    });
    expect((await call(sim, 'GET', `/invoice/case?caseId=${caseId}`, undefined, 'k2')).status).toBe(
      404,
    );
    expect(
      (await call(sim, 'GET', `/invoice/case?caseId=${caseId}&invoiceNumber=31`, undefined, 'k1'))
        .status,
    ).toBe(404);
    expect((await call(sim, 'GET', '/invoice/case?caseId=999', undefined, 'k1')).status).toBe(404);
    expect((await call(sim, 'GET', '/invoice/case', undefined, 'k1')).status).toBe(400);
  });

  it('writes money with two decimals on the wire', async () => {
    const sim = newSim();
    await createInvoice(sim, 40, { gross: 1000 });
    const res = await sim.app.request(
      'http://sim.test/api/v1/partner/invoice/case?invoiceNumber=40',
      {
        headers: { 'x-api-key': 'sim-key' },
      },
    );
    expect(await res.text()).toContain('"capitalAmount":1000.00');
  });

  it('counts requests per endpoint and status', async () => {
    const sim = newSim();
    await call(sim, 'GET', '/validate');
    await call(sim, 'GET', '/validate', undefined, null);
    await call(sim, 'GET', '/nothing');
    expect(sim.state().requestCounts).toEqual({
      'GET /validate 200': 1,
      'GET /validate 401': 1,
      'GET /api/v1/partner/nothing 404': 1,
    });
  });
});
