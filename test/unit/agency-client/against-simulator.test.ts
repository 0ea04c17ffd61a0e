/**
 * The client against the simulator in process (its Hono `app.fetch` as the client's fetch), so
 * the client's reading of spec §13 and the simulator's cannot drift apart. One test also goes
 * over a real socket (listen on port 0) for the connection-drop fault.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../adapters/agency/simulator/index.ts';
import {
  AgencyError,
  type AgencyClient,
  type AgencyClientOptions,
} from '../../../adapters/agency/index.ts';
import { commentAction, directPayment, invoiceRequest } from './fixtures.ts';
import { immediateSleep, makeClient } from './helpers.ts';

const KEY = 'sim-test-key';
const BASE = 'http://sim.local/api/v1/partner';

let sim: Simulator;
let client: AgencyClient;
let waits: number[];

function clientFor(s: Simulator, overrides: Partial<AgencyClientOptions> = {}): AgencyClient {
  const slept = immediateSleep();
  waits = slept.waits;
  return makeClient({
    baseUrl: BASE,
    apiKey: KEY,
    sleep: slept.sleep,
    fetch: ((input: string | URL | Request, init?: RequestInit) =>
      s.app.fetch(new Request(input, init))) as typeof fetch,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<AgencyError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgencyError);
  return err as AgencyError;
}

beforeEach(() => {
  sim = createSimulator({ apiKeys: [KEY], seed: 7, now: new Date('2025-12-01T08:00:00Z') });
  client = clientFor(sim);
});
afterEach(async () => {
  await client.close();
});

async function createdCase(number: number) {
  await client.createInvoice(invoiceRequest(number));
  sim.clock.advance(60_000); // distribution and case creation happen on the next advance
  return client.getCase({ invoiceNumber: String(number) });
}

describe('agency client against the simulator', () => {
  it('creates an invoice once; a repeat is alreadyExisted', async () => {
    await expect(client.createInvoice(invoiceRequest(1001))).resolves.toEqual({
      invoiceNumber: '1001',
      status: 'ACCEPTED',
      alreadyExisted: false,
    });
    await expect(client.createInvoice(invoiceRequest(1001))).resolves.toMatchObject({
      alreadyExisted: true,
    });
    expect(sim.state().invoiceCreates['1001']).toEqual({ received: 2, committed: 1 });
  });

  it('reads the case by invoice number and by case id; unknown → not_found', async () => {
    const details = await createdCase(1002);
    expect(details).toMatchObject({
      invoiceNumber: '1002',
      status: 'OPEN',
      stage: 'INVOICE',
      currency: 'EUR',
    });
    expect(details.caseId).toMatch(/^\d+$/);
    expect(details.balance).toMatchObject({ capital: '125.50', total: '125.50' });
    await expect(client.getCase({ caseId: details.caseId })).resolves.toMatchObject({
      invoiceNumber: '1002',
    });
    expect((await failure(client.getCase({ caseId: '999999' }))).kind).toBe('not_found');
  });

  it('sends actions; the comment marker shows up in the case events', async () => {
    const details = await createdCase(1003);
    const body = commentAction();
    body.actions[0]!.data = { invoiceNumber: 1003, caseId: Number(details.caseId) };
    await expect(client.createActions(body)).resolves.toEqual({
      accepted: 1,
      actions: [{ code: 'COMMENT', status: 'PENDING' }],
    });
    sim.clock.advance(60_000);
    const after = await client.getCase({ caseId: details.caseId });
    expect(after.events.some((e) => e.comment?.includes('[erp:evt-2]'))).toBe(true);
  });

  it('an action for an unknown case → not_found', async () => {
    expect((await failure(client.createActions(directPayment()))).kind).toBe('not_found');
  });

  it('a request the agency rejects → permanent with field errors', async () => {
    const bad = invoiceRequest(1004) as unknown as { invoice: { header: Record<string, unknown> } };
    delete bad.invoice.header.dueDate;
    const err = await failure(client.createInvoice(bad as never));
    expect(err).toMatchObject({
      kind: 'permanent',
      status: 400,
      agencyMessage: 'Validation failed',
    });
    expect(err.fieldErrors.map((f) => f.field)).toContain('invoice.header.dueDate');
  });

  it('reads distribution, payments and settlements; unfetchedOnly returns each settlement once', async () => {
    await createdCase(1005);
    const dist = await client.getDistribution({ invoiceNumber: '1005' });
    expect(dist.distributions).toHaveLength(1);
    expect(dist.distributions[0]).toMatchObject({ invoiceNumber: '1005', method: 'EMAIL' });
    expect(dist.metaData.totalCount).toBe(1);

    sim.pay('1005', '100.10');
    const payments = await client.getPayments({});
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ invoiceNumber: '1005', amount: '100.10', currency: 'EUR' });
    expect(payments[0]!.allocationId).not.toBeNull();

    sim.runSettlement();
    const first = await client.getSettlements({ unfetchedOnly: true });
    expect(first).toHaveLength(1);
    expect(first[0]!.settlementAmount).toBe('100.10');
    expect(first[0]!.allocations[0]).toMatchObject({
      originalInvoiceNumber: '1005',
      allocatedTotalAmount: '100.10',
    });
    const sum = first[0]!.allocations[0]!.breakdown.reduce(
      (s, b) => s + Math.round(Number(b.amount) * 100),
      0,
    );
    expect(sum).toBe(10010);
    await expect(client.getSettlements({ unfetchedOnly: true })).resolves.toEqual([]);
    const window = await client.getSettlements({});
    expect(window.map((s) => s.settlementId)).toEqual([first[0]!.settlementId]);
    expect(window[0]!.apiFetchDate).not.toBeNull();
  });

  it('validates, renews and switches the key; a wrong key is auth', async () => {
    await expect(client.validateToken()).resolves.toEqual({
      isValid: true,
      message: 'Token is valid',
    });
    const { newKey } = await client.renewToken();
    client.setApiKey(newKey);
    await expect(client.checkConnection()).resolves.toEqual({ ok: true });
    const stranger = clientFor(sim, { apiKey: 'not-a-key' });
    expect((await failure(stranger.validateToken())).kind).toBe('auth');
    await expect(stranger.checkConnection()).resolves.toEqual({
      ok: false,
      reason: 'auth (HTTP 401)',
    });
    await stranger.close();
  });

  it('500 on createActions is ambiguous and not sent again', async () => {
    const details = await createdCase(1006);
    sim.setFaults({ next: ['error-500'], endpoints: ['POST /invoice/action'] });
    const body = directPayment();
    body.actions[0]!.data = {
      ...body.actions[0]!.data,
      invoiceNumber: 1006,
      caseId: Number(details.caseId),
    };
    expect((await failure(client.createActions(body))).kind).toBe('ambiguous');
    expect(sim.state().requestCounts['POST /invoice/action 500']).toBe(1);
    expect(sim.state().actions).toHaveLength(0);
  });

  it('commit-then-500 on createActions: ambiguous, committed once, not re-sent', async () => {
    const details = await createdCase(1007);
    sim.setFaults({ next: ['commit-then-500'], endpoints: ['POST /invoice/action'] });
    const body = directPayment();
    body.actions[0]!.data = {
      ...body.actions[0]!.data,
      invoiceNumber: 1007,
      caseId: Number(details.caseId),
    };
    expect((await failure(client.createActions(body))).kind).toBe('ambiguous');
    expect(sim.state().actions).toHaveLength(1);
    expect(sim.state().ledger.filter((e) => e.endpoint === 'POST /invoice/action')).toHaveLength(1);
  });

  it('commit-then-drop on createInvoice: retried, 409, alreadyExisted; created once', async () => {
    sim.setFaults({ next: ['commit-then-drop'], endpoints: ['POST /invoice'] });
    await expect(client.createInvoice(invoiceRequest(1008))).resolves.toMatchObject({
      alreadyExisted: true,
    });
    expect(sim.state().invoiceCreates['1008']).toEqual({ received: 2, committed: 1 });
  });

  it('429 and 503 with Retry-After are waited out and retried', async () => {
    sim.setFaults({
      next: ['random-429', 'error-503'],
      retryAfterSeconds: 3,
      endpoints: ['GET /payments'],
    });
    await expect(client.getPayments({})).resolves.toEqual([]);
    expect(waits.filter((w) => w >= 3000)).toHaveLength(4); // two pauses + two retry waits
    expect(sim.state().requestCounts).toMatchObject({
      'GET /payments 429': 1,
      'GET /payments 503': 1,
      'GET /payments 200': 1,
    });
  });

  it('a dropped connection over a real socket is ambiguous for createActions', async () => {
    const server = await sim.listen({ port: 0 });
    const real = makeClient({
      baseUrl: server.baseUrl,
      apiKey: KEY,
      sleep: immediateSleep().sleep,
    });
    try {
      await real.createInvoice(invoiceRequest(1009));
      sim.clock.advance(60_000);
      const details = await real.getCase({ invoiceNumber: '1009' });
      sim.setFaults({ next: ['commit-then-drop'], endpoints: ['POST /invoice/action'] });
      const body = commentAction();
      body.actions[0]!.data = { invoiceNumber: 1009, caseId: Number(details.caseId) };
      const err = await failure(real.createActions(body));
      expect(err).toMatchObject({ kind: 'ambiguous', status: null });
      expect(sim.state().actions).toHaveLength(1);
    } finally {
      await real.close();
      await server.close();
    }
  });
});
