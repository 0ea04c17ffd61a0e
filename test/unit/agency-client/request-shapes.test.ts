/**
 * Each endpoint's request (method, path, query, headers, body) and how its answer is read.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE_PATH, CANARY_KEY, ORIGIN, makeClient } from './helpers.ts';
import {
  caseAnswer,
  commentAction,
  directPayment,
  invoiceRequest,
  settlementsAnswer,
} from './fixtures.ts';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

function agency() {
  return nock(ORIGIN, { reqheaders: { 'x-api-key': CANARY_KEY, accept: 'application/json' } });
}

describe('agency client: request shapes', () => {
  it('createInvoice POSTs the body as JSON to /invoice and reads the answer', async () => {
    const body = invoiceRequest();
    const scope = agency()
      .matchHeader('content-type', 'application/json')
      .post(`${BASE_PATH}/invoice`, (sent) => JSON.stringify(sent) === JSON.stringify(body))
      .reply(200, { invoiceNumber: 251601000, status: 'ACCEPTED' });
    const client = makeClient();
    await expect(client.createInvoice(body)).resolves.toEqual({
      invoiceNumber: '251601000',
      status: 'ACCEPTED',
      alreadyExisted: false,
    });
    expect(scope.isDone()).toBe(true);
    await client.close();
  });

  it('createActions POSTs { actions } to /invoice/action', async () => {
    const body = directPayment();
    const scope = agency()
      .matchHeader('content-type', 'application/json')
      .post(`${BASE_PATH}/invoice/action`, body as unknown as nock.RequestBodyMatcher)
      .reply(200, { accepted: 1, actions: [{ code: 'DIRECTPAYMENT', status: 'PENDING' }] });
    const client = makeClient();
    await expect(client.createActions(body)).resolves.toEqual({
      accepted: 1,
      actions: [{ code: 'DIRECTPAYMENT', status: 'PENDING' }],
    });
    expect(scope.isDone()).toBe(true);
    await client.close();
  });

  it('getCase by caseId or invoiceNumber: GET /invoice/case with the query, no body', async () => {
    const byCase = agency()
      .get(`${BASE_PATH}/invoice/case`)
      .query({ caseId: '12345' })
      .reply(200, caseAnswer);
    const byInvoice = agency()
      .get(`${BASE_PATH}/invoice/case`)
      .query({ invoiceNumber: '251601000' })
      .reply(200, caseAnswer);
    const client = makeClient();
    const details = await client.getCase({ caseId: '12345' });
    await client.getCase({ invoiceNumber: '251601000' });
    expect(byCase.isDone() && byInvoice.isDone()).toBe(true);
    expect(details).toEqual({
      caseId: '12345',
      invoiceNumber: '251601000',
      status: 'OPEN',
      stage: 'REMINDER',
      createdAt: '2026-01-01T10:00:00.000Z',
      closedAt: null,
      dueDate: '2025-12-15',
      currency: 'EUR',
      balance: { capital: '125.50', interest: '1.10', costs: '5.00', total: '131.60' },
      payments: [
        { paymentDate: '2026-01-05', amount: '20.00', reference: 'RF1', source: 'DEBTOR' },
      ],
      events: [
        {
          type: 'COMMENT',
          at: '2026-01-06T00:00:00Z',
          comment: 'note [erp:evt-2]',
          status: 'DONE',
          amount: null,
          reference: null,
        },
      ],
    });
    await client.close();
  });

  it('getDistribution sends only the given filters and normalises ids', async () => {
    const scope = agency()
      .get(`${BASE_PATH}/invoice/distribution`)
      .query({ fromInvDate: '2026-03-01', toInvDate: '2026-03-31' })
      .reply(200, {
        metaData: { totalCount: 2, successfulCount: 1, failedCount: 1, filtersApplied: {} },
        distributions: [
          {
            invoiceNumber: 1,
            caseId: 7,
            method: 'EMAIL',
            status: 'DELIVERED',
            distributedAt: '2026-03-02T00:00:00Z',
            errorMessage: null,
          },
          {
            invoiceNumber: '2',
            caseId: null,
            method: 'EMAIL',
            status: 'FAILED',
            distributedAt: null,
            errorMessage: 'bad address',
          },
        ],
      });
    const client = makeClient();
    const answer = await client.getDistribution({
      fromInvDate: '2026-03-01',
      toInvDate: '2026-03-31',
    });
    expect(scope.isDone()).toBe(true);
    expect(answer.metaData).toEqual({ totalCount: 2, successfulCount: 1, failedCount: 1 });
    expect(answer.distributions.map((d) => [d.invoiceNumber, d.caseId])).toEqual([
      ['1', '7'],
      ['2', null],
    ]);
    await client.close();
  });

  it('getPayments GETs /payments?fromDate&toDate and reads the bare array', async () => {
    const scope = agency()
      .get(`${BASE_PATH}/payments`)
      .query({ fromDate: '2026-03-01', toDate: '2026-03-31' })
      .reply(
        200,
        `[{"caseId":481920,"invoiceNumber":"202600145","invoicePaymentReference":"RF71","originalPaymentReference":null,
          "accountName":"ACME Oy","bookingDate":"2026-03-27T00:00:00Z","paymentDate":"2026-03-27T00:00:00Z",
          "amount":150.10,"currency":"EUR","allocationId":77}]`,
        { 'content-type': 'application/json' },
      );
    const client = makeClient();
    const payments = await client.getPayments({ fromDate: '2026-03-01', toDate: '2026-03-31' });
    expect(scope.isDone()).toBe(true);
    expect(payments).toEqual([
      {
        caseId: '481920',
        invoiceNumber: '202600145',
        invoicePaymentReference: 'RF71',
        originalPaymentReference: null,
        bookingDate: '2026-03-27T00:00:00Z',
        paymentDate: '2026-03-27T00:00:00Z',
        amount: '150.10',
        currency: 'EUR',
        allocationId: '77',
      },
    ]);
    expect(JSON.stringify(payments)).not.toContain('ACME');
    await client.close();
  });

  it('getSettlements reads breakdown and the older events, amounts exact', async () => {
    const scope = agency()
      .get(`${BASE_PATH}/settlements`)
      .query({ unfetchedOnly: 'true' })
      .reply(200, settlementsAnswer, { 'content-type': 'application/json' });
    const client = makeClient();
    const [settlement] = await client.getSettlements({ unfetchedOnly: true });
    expect(scope.isDone()).toBe(true);
    expect(settlement).toMatchObject({
      settlementId: '202603280001',
      settlementDate: '2026-03-28',
      agency: 'CASH-IN',
      settlementAmount: '1240.50',
      currency: 'EUR',
      apiFetchDate: null,
    });
    expect(settlement!.allocations).toEqual([
      {
        allocationId: '9001001',
        allocatedTotalAmount: '1000.00',
        allocationDate: '2026-03-28',
        currency: 'EUR',
        caseId: null,
        originalInvoiceNumber: '202600145',
        originalPaymentReference: null,
        breakdown: [
          { type: 'CAPITAL', amount: '900.00' },
          { type: 'INTEREST', amount: '75.00' },
          { type: 'FEES', amount: '25.00' },
        ],
      },
      {
        allocationId: '9001002',
        allocatedTotalAmount: '240.50',
        allocationDate: '2026-03-28',
        currency: 'EUR',
        caseId: null,
        originalInvoiceNumber: '202600146',
        originalPaymentReference: null,
        breakdown: [
          { type: 'CAPITAL', amount: '200.00' },
          { type: 'INTEREST', amount: '30.10' },
          { type: 'FEES', amount: '10.40' },
        ],
      },
    ]);
    await client.close();
  });

  it('getSettlements with a date window sends fromDate/toDate', async () => {
    const scope = agency()
      .get(`${BASE_PATH}/settlements`)
      .query({ fromDate: '2026-03-01', toDate: '2026-03-31', unfetchedOnly: 'false' })
      .reply(200, { settlements: [] });
    const client = makeClient();
    await expect(
      client.getSettlements({ fromDate: '2026-03-01', toDate: '2026-03-31', unfetchedOnly: false }),
    ).resolves.toEqual([]);
    expect(scope.isDone()).toBe(true);
    await client.close();
  });

  it('validateToken and renewToken GET /validate and /renew; setApiKey switches the key', async () => {
    const scope = agency()
      .get(`${BASE_PATH}/validate`)
      .reply(200, { isValid: true, message: 'Token is valid' })
      .get(`${BASE_PATH}/renew`)
      .reply(200, { Message: 'NEW-KEY-1' });
    const next = nock(ORIGIN, { reqheaders: { 'x-api-key': 'NEW-KEY-1' } })
      .get(`${BASE_PATH}/validate`)
      .reply(200, { isValid: true, message: 'ok' });
    const client = makeClient();
    await expect(client.validateToken()).resolves.toEqual({
      isValid: true,
      message: 'Token is valid',
    });
    const renewed = await client.renewToken();
    expect(renewed).toEqual({ newKey: 'NEW-KEY-1' });
    client.setApiKey(renewed.newKey);
    await client.validateToken();
    expect(scope.isDone() && next.isDone()).toBe(true);
    await client.close();
  });

  it('checkConnection: ok when the key is accepted, a reason otherwise', async () => {
    agency().get(`${BASE_PATH}/validate`).reply(200, { isValid: true, message: 'Token is valid' });
    agency().get(`${BASE_PATH}/validate`).reply(401, { message: 'Unauthorized' });
    const client = makeClient();
    await expect(client.checkConnection()).resolves.toEqual({ ok: true });
    await expect(client.checkConnection()).resolves.toEqual({
      ok: false,
      reason: 'auth (HTTP 401)',
    });
    await client.close();
  });

  it('onRequest reports every call with endpoint, status and outcome', async () => {
    const seen: string[] = [];
    agency().post(`${BASE_PATH}/invoice/action`).times(2).reply(200, { accepted: 1, actions: [] });
    const client = makeClient({
      onRequest: (e) => seen.push(`${e.method} ${e.endpoint} ${e.status} ${e.outcome}`),
    });
    await client.createActions(commentAction());
    await client.createActions(directPayment());
    expect(seen).toEqual(['POST /invoice/action 200 ok', 'POST /invoice/action 200 ok']);
    await client.close();
  });
});
