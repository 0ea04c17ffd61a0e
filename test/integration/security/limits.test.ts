/**
 * RELIABILITY.md §6.8 S3, the parts that need the real broker (the HTTP parts are in
 * test/unit/security/limits.test.ts): a 2 MiB AMQP message is dead-lettered without ever being
 * given to JSON.parse; a 10 MiB agency answer is cut and the call counts as ambiguous — a create
 * goes UNKNOWN and is sent again safely (409 = done), a money action whose answer was cut after
 * the agency committed it is reconciled from the case and never sent twice (§3.2).
 */
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../../../adapters/store/index.ts';
import { composeConnector, type RunningConnector } from '../../../connector/compose.ts';
import { createLogger } from '../../../connector/logger.ts';
import { waitUntil } from '../../helpers/amqp.ts';
import { envelope, invoiceData, parseEvent } from '../../helpers/events.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfig } from '../../helpers/test-config.ts';

const MIB = 1024 * 1024;

let bed: TestBed;
let running: RunningConnector;
let store: Store;
let front: Server;
let frontUrl: string;
/** Invoice numbers whose next N agency answers are replaced by 10 MiB (after the agency ran). */
const bigAnswers = new Map<string, number>();
const frontLog: string[] = [];

/** 10 MiB of JSON-ish bytes, produced lazily (stops when the reader goes away). */
function tenMiB(): Response {
  let sent = 0;
  const chunk = new Uint8Array(256 * 1024).fill(0x20);
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10 * MIB) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );
}

beforeAll(async () => {
  bed = await openTestBed('s3', { lifecycle: { applyActionsImmediately: true } });
  // A front for the simulator: the request reaches the agency (and may commit), then the answer
  // is swapped for 10 MiB when the invoice is listed in `bigAnswers`.
  front = createAdaptorServer({
    hostname: '127.0.0.1',
    fetch: async (req: Request, env: unknown) => {
      const url = new URL(req.url);
      const text = req.method === 'POST' ? await req.clone().text() : '';
      const number =
        url.searchParams.get('invoiceNumber') ??
        /"(?:number|invoiceNumber)"\s*:\s*"?(\d+)/.exec(text)?.[1] ??
        '';
      const left = bigAnswers.get(number) ?? 0;
      const res = await bed.sim.app.fetch(req, env as never);
      const cut = left > 0 && req.method === 'POST';
      frontLog.push(`${req.method} ${url.pathname} ${number} ${cut ? '10MiB' : res.status}`);
      if (cut) {
        bigAnswers.set(number, left - 1);
        await res.arrayBuffer();
        return tenMiB();
      }
      return res;
    },
  }) as Server;
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/api/v1/partner`;
  const config = testConfig(bed.ns, frontUrl);
  running = await composeConnector(config, createLogger({ level: 'silent', pretty: 'never' }), {
    http: false,
  });
  store = await createStore(config.store.url);
  await waitUntil(
    async () => (await running.connector.readiness()).checks.consumers === 'ok',
    15_000,
    'consumer',
  );
});

afterAll(async () => {
  await running?.stop();
  await store?.close();
  front?.closeAllConnections();
  await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
  await bed?.close();
});

describe('S3: limits on the real broker', () => {
  it('a 2 MiB AMQP message is dead-lettered without JSON.parse', async () => {
    const dead = await bed.raw.collect(`${bed.ns.prefix}.dlx`, '#');
    const e = envelope(
      'acme',
      'invoice.created',
      invoiceData('6001', { description: 'x'.repeat(2 * MIB) }),
    );
    expect(e.body.length).toBeGreaterThan(2 * MIB);
    const parse = vi.spyOn(JSON, 'parse');
    const started = performance.now();
    try {
      await bed.raw.publish(bed.ns.erpExchange, e.routingKey, e.body, e.id);
      await waitUntil(() => dead.messages.length >= 1, 15_000, 'dead letter');
    } finally {
      parse.mockRestore();
    }
    const ms = Math.round(performance.now() - started);
    const bigParses = parse.mock.calls.filter(
      (args: unknown[]) => typeof args[0] === 'string' && args[0].length > MIB,
    ).length;
    const copy = dead.messages[0]!;
    const headers = copy.properties.headers ?? {};
    expect(headers['x-dead-letter-reason']).toBe('invalid_message');
    expect(String(headers['x-dead-letter-detail'])).toMatch(
      /^body is \d+ bytes, the limit is 1048576/,
    );
    expect(copy.content.toString()).toMatch(/^\(\d+ bytes, not kept\)$/);
    expect(bigParses).toBe(0);
    const stored = await store.listDeadLetters({ limit: 10, source: 'acme' });
    expect(stored.map((d) => d.reason)).toEqual(['invalid_message']);
    await waitUntil(
      async () => (await bed.raw.messageCount(`${bed.ns.prefix}.acme.inbound`)) === 0,
      10_000,
      'inbound queue drained',
    );
    console.log(
      `S3 AMQP 2 MiB: ${e.body.length} bytes → dead-lettered (${String(headers['x-dead-letter-reason'])}: ${String(headers['x-dead-letter-detail'])}) in ${ms} ms; JSON.parse calls on > 1 MiB: ${bigParses}; body kept: no`,
    );
  });

  it('10 MiB agency answers: a create goes UNKNOWN and is resent safely; a money action is reconciled, never sent twice', async () => {
    const results = await bed.raw.collect(bed.ns.agencyExchange, 'acme.#');
    const started = performance.now();
    // 1. invoice.created: the first client attempt's three tries all get 10 MiB after the agency ran.
    bigAnswers.set('6002', 3);
    const created = envelope('acme', 'invoice.created', invoiceData('6002'));
    await bed.raw.publish(bed.ns.erpExchange, created.routingKey, created.body, created.id);
    const states = new Set<string>();
    await waitUntil(
      async () => {
        const entry = await store.getInbox('acme', created.id);
        if (entry) states.add(entry.state);
        return results.messages.some((m) => parseEvent(m.content).causationid === created.id);
      },
      30_000,
      'invoice.accepted',
    );
    const accepted = results.messages
      .map((m) => parseEvent(m.content))
      .find((ev) => ev.causationid === created.id);
    expect(accepted?.type).toBe('invoice.accepted');
    expect(accepted?.data.alreadyExisted).toBe(true);
    expect(states.has('UNKNOWN')).toBe(true);
    expect(bed.sim.state().invoiceCreates['6002']?.committed).toBe(1);

    // 2. A payment: the agency commits it, the answer is 10 MiB (cut); the pipeline must find it
    //    in the case (its ERP marker) instead of sending it again.
    bigAnswers.set('6002', 1);
    const payment = envelope('acme', 'invoice.payment_received', {
      invoiceNumber: '6002',
      amount: '10.00',
      currency: 'EUR',
      paymentDate: '2026-11-25',
      reference: 'REF-6002',
    });
    await bed.raw.publish(bed.ns.erpExchange, payment.routingKey, payment.body, payment.id);
    await waitUntil(
      () => results.messages.some((m) => parseEvent(m.content).causationid === payment.id),
      30_000,
      'payment result',
    );
    const paid = results.messages
      .map((m) => parseEvent(m.content))
      .find((ev) => ev.causationid === payment.id);
    expect(paid?.type).toBe('action.accepted');
    const key = Object.entries(bed.sim.state().actionsByKey).find(([k]) => k.includes(payment.id));
    expect(key?.[1]).toMatchObject({ received: 1, committed: 1 });
    const ms = Math.round(performance.now() - started);
    const cut = frontLog.filter((l) => l.endsWith('10MiB')).length;
    console.log(
      `S3 agency 10 MiB through the pipeline: ${cut} answers cut; create → states ${[...states].join('→')}, ` +
        `resent, committed ${bed.sim.state().invoiceCreates['6002']?.committed}×, accepted (alreadyExisted); ` +
        `payment committed then answer cut → reconciled from the case: sent ${key?.[1].received}×, committed ${key?.[1].committed}×, ${paid?.type}; ${ms} ms`,
    );
  });
});
