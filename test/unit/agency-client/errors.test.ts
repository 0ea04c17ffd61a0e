/**
 * Classification of every failure into an AgencyError kind (RELIABILITY.md §3.2), which of them
 * are retried, and what an error may carry (never the key, bodies or headers).
 */
import nock from 'nock';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgencyError } from '../../../adapters/agency/index.ts';
import {
  BASE_PATH,
  CANARY_KEY,
  ORIGIN,
  immediateSleep,
  makeClient,
  recordingLogger,
  stubFetch,
  until,
} from './helpers.ts';
import { caseAnswer, directPayment, invoiceRequest } from './fixtures.ts';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

const agency = () => nock(ORIGIN);
const netError = (code: string, message: string) => Object.assign(new Error(message), { code });

async function failure(promise: Promise<unknown>): Promise<AgencyError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AgencyError);
    return err as AgencyError;
  }
  throw new Error('expected the call to fail');
}

describe('agency client: error kinds', () => {
  const cases: {
    name: string;
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    kind: string;
    retryable: boolean;
  }[] = [
    {
      name: '400 validation',
      status: 400,
      body: {
        message: 'Invalid',
        errors: [{ field: 'invoice.header.dueDate', message: 'required' }],
      },
      kind: 'permanent',
      retryable: false,
    },
    {
      name: '422',
      status: 422,
      body: { message: 'Unprocessable' },
      kind: 'permanent',
      retryable: false,
    },
    {
      name: '402 (Cash-In business rule)',
      status: 402,
      body: { message: 'terminal state' },
      kind: 'permanent',
      retryable: false,
    },
    { name: '401', status: 401, body: { message: 'Unauthorized' }, kind: 'auth', retryable: false },
    { name: '403', status: 403, body: { message: 'Forbidden' }, kind: 'auth', retryable: false },
    {
      name: '404',
      status: 404,
      body: { message: 'Case not found' },
      kind: 'not_found',
      retryable: false,
    },
    {
      name: '409 (not on create)',
      status: 409,
      body: { message: 'Conflict' },
      kind: 'conflict',
      retryable: false,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.kind}, sent once, agency message kept`, async () => {
      const scope = agency()
        .get(`${BASE_PATH}/invoice/case`)
        .query(true)
        .reply(c.status, c.body as nock.Body);
      const { sleep, waits } = immediateSleep();
      const client = makeClient({ sleep });
      const err = await failure(client.getCase({ caseId: '1' }));
      expect(err).toMatchObject({
        kind: c.kind,
        status: c.status,
        retryable: c.retryable,
        method: 'GET',
        path: '/invoice/case?caseId=1',
      });
      expect(err.agencyMessage).toBe((c.body as { message: string }).message);
      expect(scope.isDone()).toBe(true);
      expect(waits).toEqual([]);
      await client.close();
    });
  }

  it('400 keeps the field errors', async () => {
    agency()
      .post(`${BASE_PATH}/invoice`)
      .reply(400, {
        message: 'Invalid',
        errors: [{ field: 'invoice.header.dueDate', message: 'required' }],
      });
    const client = makeClient();
    const err = await failure(client.createInvoice(invoiceRequest()));
    expect(err.fieldErrors).toEqual([{ field: 'invoice.header.dueDate', message: 'required' }]);
    await client.close();
  });

  it('connection refused → not_sent, retried, then succeeds', async () => {
    agency()
      .get(`${BASE_PATH}/invoice/case`)
      .query(true)
      .replyWithError(netError('ECONNREFUSED', 'connect ECONNREFUSED'));
    agency()
      .get(`${BASE_PATH}/invoice/case`)
      .query(true)
      .replyWithError(netError('ENOTFOUND', 'getaddrinfo ENOTFOUND'));
    agency().get(`${BASE_PATH}/invoice/case`).query(true).reply(200, caseAnswer);
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep });
    await expect(client.getCase({ caseId: '1' })).resolves.toMatchObject({ caseId: '12345' });
    // random() = 0.5: half of min(cap, 100·2^n) for n = 0, 1
    expect(waits).toEqual([50, 100]);
    await client.close();
  });

  it('connection refused on createActions is retried too (it was never sent)', async () => {
    agency()
      .post(`${BASE_PATH}/invoice/action`)
      .replyWithError(netError('ECONNREFUSED', 'connect ECONNREFUSED'));
    agency().post(`${BASE_PATH}/invoice/action`).reply(200, { accepted: 1, actions: [] });
    const client = makeClient();
    await expect(client.createActions(directPayment())).resolves.toMatchObject({ accepted: 1 });
    await client.close();
  });

  it('not_sent after the last retry is thrown as not_sent', async () => {
    agency()
      .get(`${BASE_PATH}/payments`)
      .times(4)
      .replyWithError(netError('ECONNREFUSED', 'connect ECONNREFUSED'));
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep });
    const err = await failure(client.getPayments({}));
    expect(err).toMatchObject({ kind: 'not_sent', status: null, retryable: true });
    expect(waits).toHaveLength(3);
    await client.close();
  });

  it('socket hang up / reset mid-response → ambiguous', async () => {
    agency()
      .post(`${BASE_PATH}/invoice/action`)
      .replyWithError(netError('ECONNRESET', 'socket hang up'));
    const client = makeClient();
    const err = await failure(client.createActions(directPayment()));
    expect(err).toMatchObject({ kind: 'ambiguous', status: null, retryable: true });
    await client.close();
  });

  for (const status of [500, 502, 504]) {
    it(`${status} on createActions → ambiguous at once, never retried (RELIABILITY rule 1)`, async () => {
      const scope = agency().post(`${BASE_PATH}/invoice/action`).reply(status, { message: 'oops' });
      const second = agency()
        .post(`${BASE_PATH}/invoice/action`)
        .reply(200, { accepted: 1, actions: [] });
      const { sleep, waits } = immediateSleep();
      const client = makeClient({ sleep });
      const err = await failure(client.createActions(directPayment()));
      expect(err).toMatchObject({ kind: 'ambiguous', status });
      expect(scope.isDone()).toBe(true);
      expect(second.isDone()).toBe(false);
      expect(waits).toEqual([]);
      await client.close();
    });
  }

  it('503 without Retry-After → ambiguous; with Retry-After → refused', async () => {
    agency().post(`${BASE_PATH}/invoice/action`).reply(503, { message: 'down' });
    agency()
      .post(`${BASE_PATH}/invoice/action`)
      .reply(503, { message: 'down' }, { 'Retry-After': '120' });
    const client = makeClient({
      retry: { retries: 0, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 },
    });
    expect((await failure(client.createActions(directPayment()))).kind).toBe('ambiguous');
    const refused = await failure(client.createActions(directPayment()));
    expect(refused).toMatchObject({ kind: 'refused', status: 503, retryAfterMs: 120_000 });
    await client.close();
  });

  it('500 on a GET is retried (idempotent) and then succeeds', async () => {
    agency().get(`${BASE_PATH}/invoice/case`).query(true).reply(500);
    agency().get(`${BASE_PATH}/invoice/case`).query(true).reply(502);
    agency().get(`${BASE_PATH}/invoice/case`).query(true).reply(200, caseAnswer);
    const { sleep, waits } = immediateSleep();
    const client = makeClient({ sleep });
    await expect(client.getCase({ caseId: '1' })).resolves.toMatchObject({ caseId: '12345' });
    expect(waits).toEqual([50, 100]);
    await client.close();
  });

  it('createInvoice: 500 is retried (409 makes a repeat safe), and the 409 then means done', async () => {
    agency().post(`${BASE_PATH}/invoice`).reply(500);
    agency().post(`${BASE_PATH}/invoice`).reply(409, { message: 'Invoice number already exists' });
    const answers: string[] = [];
    const client = makeClient();
    const result = await client.createInvoice(invoiceRequest(42), {
      onAnswer: (a) => answers.push(`${a.status} ${a.summary}`),
    });
    expect(result).toEqual({ invoiceNumber: '42', status: 'ALREADY_EXISTS', alreadyExisted: true });
    expect(answers).toEqual(['500 ambiguous', '409 already exists']);
    await client.close();
  });

  it('unfetchedOnly settlements read is not retried when ambiguous (the read marks them fetched)', async () => {
    agency().get(`${BASE_PATH}/settlements`).query(true).reply(500);
    const again = agency()
      .get(`${BASE_PATH}/settlements`)
      .query(true)
      .reply(200, { settlements: [] });
    const client = makeClient();
    expect((await failure(client.getSettlements({ unfetchedOnly: true }))).kind).toBe('ambiguous');
    expect(again.isDone()).toBe(false);
    await client.close();
  });

  it('timeout → ambiguous (not retried for createActions)', async () => {
    // A fetch that never answers but honours its signal (nock's delay trips an undici assertion).
    const stub = stubFetch(() => new Promise<Response>(() => {}));
    const client = makeClient({ timeoutMs: 50, fetch: stub.fetch });
    const err = await failure(client.createActions(directPayment()));
    expect(err).toMatchObject({ kind: 'ambiguous', status: null });
    expect(err.message).toContain('timeout after 50 ms');
    expect(stub.calls).toHaveLength(1);
    await client.close();
  });

  it('oversize answer (Content-Length) → ambiguous', async () => {
    agency()
      .get(`${BASE_PATH}/payments`)
      .query(true)
      .reply(200, 'x'.repeat(2048), { 'Content-Length': '2048' });
    const client = makeClient({
      maxResponseBytes: 1024,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    });
    const err = await failure(client.getPayments({}));
    expect(err).toMatchObject({ kind: 'ambiguous', status: 200 });
    expect(err.message).toContain('larger than 1024 bytes');
    await client.close();
  });

  it('oversize answer (streamed, no length) → ambiguous, cut while reading', async () => {
    let produced = 0;
    const stream = new Readable({
      read() {
        produced += 256;
        this.push(produced > 64 * 1024 ? null : Buffer.alloc(256, 0x20));
      },
    });
    agency()
      .post(`${BASE_PATH}/invoice/action`)
      .reply(200, () => stream);
    const client = makeClient({ maxResponseBytes: 1024 });
    const err = await failure(client.createActions(directPayment()));
    expect(err).toMatchObject({ kind: 'ambiguous', status: 200 });
    await client.close();
  });

  it('a GET answer missing a field the connector relies on → permanent protocol error', async () => {
    agency()
      .get(`${BASE_PATH}/settlements`)
      .query(true)
      .reply(200, {
        settlements: [
          { settlementDate: '2026-03-28', settlementAmount: 1, currency: 'EUR', allocations: [] },
        ],
      });
    agency()
      .get(`${BASE_PATH}/settlements`)
      .query(true)
      .reply(200, {
        settlements: [
          {
            settlementId: 1,
            settlementDate: '2026-03-28',
            settlementAmount: 1,
            currency: 'EUR',
            allocations: [{ allocationId: 1, originalInvoiceNumber: '5' }],
          },
        ],
      });
    const client = makeClient();
    const noId = await failure(client.getSettlements({}));
    expect(noId).toMatchObject({ kind: 'permanent', status: 200, retryable: false });
    expect(noId.message).toContain('settlements.0.settlementId');
    const noAmount = await failure(client.getSettlements({}));
    expect(noAmount.message).toContain('allocatedTotalAmount');
    await client.close();
  });

  it('a 2xx to createActions that cannot be read → ambiguous (it was done; reconcile)', async () => {
    agency().post(`${BASE_PATH}/invoice/action`).reply(200, '<html>proxy</html>');
    const client = makeClient();
    expect((await failure(client.createActions(directPayment()))).kind).toBe('ambiguous');
    await client.close();
  });

  it('a redirect is not followed → ambiguous', async () => {
    agency().get(`${BASE_PATH}/validate`).reply(302, '', { Location: 'http://elsewhere.test/' });
    const client = makeClient({
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    });
    expect((await failure(client.validateToken())).kind).toBe('ambiguous');
    await client.close();
  });

  it('caller abort → aborted, not retried', async () => {
    const stub = stubFetch(() => new Promise<Response>(() => {}));
    const client = makeClient({ fetch: stub.fetch });
    const controller = new AbortController();
    const pending = client.getPayments({}, { signal: controller.signal });
    await until(() => stub.calls.length === 1, 'the request to start');
    controller.abort();
    expect((await failure(pending)).kind).toBe('aborted');
    await client.close();
  });
});

describe('agency client: nothing secret in errors or logs', () => {
  it('the API key never appears in messages, JSON, stacks, causes or log lines', async () => {
    const { lines, logger } = recordingLogger();
    const client = makeClient({
      logger,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 60_000 },
    });
    agency()
      .get(`${BASE_PATH}/validate`)
      .reply(401, {
        message: `Unknown key ${CANARY_KEY}`,
        errors: [{ field: CANARY_KEY, message: CANARY_KEY }],
      });
    agency()
      .get(`${BASE_PATH}/payments`)
      .times(2)
      .replyWithError(netError('ECONNREFUSED', `connect ECONNREFUSED key=${CANARY_KEY}`));
    agency()
      .post(`${BASE_PATH}/invoice/action`)
      .reply(500, { message: `boom ${CANARY_KEY}` });
    agency().get(`${BASE_PATH}/renew`).reply(200, { Message: 'NEW-SECRET-KEY' });
    agency().get(`${BASE_PATH}/renew`).reply(500, { message: 'again NEW-SECRET-KEY' });
    const errors: unknown[] = [];
    const calls: Promise<unknown>[] = [
      client.validateToken(),
      client.getPayments({}),
      client.createActions(directPayment()),
      // no interceptor: nock answers with a dump of the request, headers included
      client.getCase({ caseId: '9' }),
    ];
    await Promise.all(calls.map((call) => call.catch((err: unknown) => errors.push(err))));
    await client.renewToken();
    await client.renewToken().catch((err: unknown) => errors.push(err));
    expect(errors).toHaveLength(5);
    for (const err of errors) {
      const e = err as AgencyError;
      const texts = [
        String(e),
        e.message,
        e.stack ?? '',
        JSON.stringify(e),
        String(e.cause),
        (e.cause as Error | undefined)?.stack ?? '',
        JSON.stringify(e.fieldErrors),
      ];
      for (const text of texts) {
        expect(text).not.toContain(CANARY_KEY);
        expect(text).not.toContain('NEW-SECRET-KEY');
      }
    }
    const logged = JSON.stringify(lines.map((l) => [l.level, l.msg, l.obj]));
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toContain(CANARY_KEY);
    expect(logged).not.toContain('NEW-SECRET-KEY');
    await client.close();
  });

  it('errors carry no request or response body', async () => {
    agency()
      .post(`${BASE_PATH}/invoice`)
      .reply(400, { message: 'Invalid', echo: { buyer: 'Buyer Company Oy' } });
    const client = makeClient();
    const err = await failure(client.createInvoice(invoiceRequest()));
    const text = `${JSON.stringify(err)} ${err.message} ${err.stack ?? ''}`;
    expect(text).not.toContain('Buyer Company Oy');
    expect(text).not.toContain('FI12345678912345678');
    await client.close();
  });
});

describe('agency client: our request values are cut out of the agency error texts', () => {
  it('removes the request strings the agency quotes back (personal data), keeps the rest', async () => {
    const scope = agency()
      .post(`${BASE_PATH}/invoice`)
      .reply(400, {
        message: 'Buyer Buyer Company Oy rejected at Kauppakatu 1 (seller Teirinkatu 6)',
        errors: [
          { field: 'invoice.parties.buyerParty.name', message: 'Buyer Company Oy is blocked' },
        ],
      });
    const client = makeClient({ sleep: immediateSleep().sleep });
    const err = await failure(client.createInvoice(invoiceRequest()));
    const text = JSON.stringify({ m: err.message, a: err.agencyMessage, f: err.fieldErrors });
    expect(text).not.toMatch(/Buyer Company Oy|Kauppakatu 1|Teirinkatu 6/);
    expect(err.agencyMessage).toBe('Buyer [redacted] rejected at [redacted] (seller [redacted])');
    expect(err.fieldErrors).toEqual([
      { field: 'invoice.parties.buyerParty.name', message: '[redacted] is blocked' },
    ]);
    scope.done();
  });
});
