/**
 * RELIABILITY.md R2, unroutable results: "publish 100 results with `mandatory` to a routing key
 * whose binding is gone. Pass: 100/100 detected as returned (not counted as sent); 100/100 in the
 * alternate-exchange queue; rows stay pending; alert or metric incremented."
 *
 * Those two figures cannot both hold for one exchange: RabbitMQ routes a message that no queue
 * takes to the exchange's alternate exchange when it has one, and then sends no `basic.return`
 * (docs/decisions.md, "Transport"). So this test measures what is true for each of the
 * connector's two kinds of outbound exchange, with the connector as a child process:
 *
 * a. `agency.events` (results) has the alternate exchange `<prefix>.unroutable`: 100 results
 *    whose routing key has no binding land 100/100 in `<prefix>.unroutable`, 0 are returned,
 *    the rows are confirmed and marked SENT, and the alert metric (the unroutable queue's depth in
 *    `connector_queue_messages`) shows 100. Nothing is lost; the operator sees it on the metric.
 * b. `<prefix>.dlx` (dead-letter copies) has no alternate exchange: with its only binding
 *    deleted, 100 mandatory publishes are 100/100 returned, never counted as sent, the rows stay
 *    PENDING (`connector_outbox_pending` ≥ 100) and go out once the binding is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { envelope, invoiceData, parseEvent } from '../../helpers/events.ts';
import { readStoreFile } from '../../helpers/ledger-check.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';
import {
  httpPortOf,
  logLines,
  metricValue,
  publishEvents,
  scrapeMetrics,
  waitForAnswers,
  waitForQueues,
} from './support.ts';

const N = 100;

describe('R2: unroutable results (child process, real broker)', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let proc: ConnectorProcess;
  let port: number;
  let storeFile: string;
  let erp: Awaited<ReturnType<RawAmqp['collect']>>;

  beforeAll(async () => {
    bed = await openTestBed('r2');
    ({ ns, raw } = bed);
    const config = testConfigRaw(ns, bed.agency.baseUrl);
    storeFile = config.store.url.slice('sqlite:'.length);
    proc = await startConnectorProcess(writeConfigFile(config));
    port = await httpPortOf(proc);
    await raw.waitForExchange(ns.agencyExchange);
    await waitForQueues(raw, [`${ns.prefix}.unroutable`, `${ns.prefix}.dead-letter`]);
    // The ERP's queue is bound for rejections only: the binding for `acme.invoice.accepted` is gone.
    erp = await raw.collect(ns.agencyExchange, 'acme.invoice.rejected');
  });

  afterAll(async () => {
    await proc.kill('SIGKILL');
    await bed.close();
  });

  function returnedIds(): Set<string> {
    const ids = new Set<string>();
    for (const l of logLines(proc)) {
      if (l.msg === 'amqp publish returned (unroutable)' && typeof l.messageId === 'string')
        ids.add(l.messageId);
    }
    return ids;
  }

  it('a. results with no binding on agency.events: 100/100 in the alternate exchange queue, none returned', async () => {
    const unroutable = `${ns.prefix}.unroutable`;
    const events = Array.from({ length: N }, (_, i) =>
      envelope('acme', 'invoice.created', invoiceData(String(910_000 + i))),
    );
    await publishEvents(raw.channel, ns.erpExchange, events);
    await waitUntil(
      async () => (await raw.messageCount(unroutable)) >= N,
      30_000,
      `${N} results in ${unroutable}`,
    );
    // Confirmed rows are marked SENT in batches (50 ms).
    const resultRows = () =>
      readStoreFile(storeFile).outbox.filter((r) => r.routingKey === 'acme.invoice.accepted');
    await waitUntil(
      () => resultRows().filter((r) => r.state === 'SENT').length === N,
      10_000,
      'rows marked',
    );
    const rows = resultRows();
    const metrics = await scrapeMetrics(port);
    const depthMetric = metricValue(metrics, 'connector_queue_messages', { queue: unroutable });
    const confirmedMetric = metricValue(metrics, 'connector_events_out_total', {
      type: 'invoice.accepted',
      outcome: 'confirmed',
    });
    const inAe = new Set<string>();
    const ch = await raw.connection.createChannel();
    ch.on('error', () => undefined);
    for (;;) {
      const m = await ch.get(unroutable, { noAck: true });
      if (!m) break;
      const e = parseEvent(m.content);
      if (e.type === 'invoice.accepted' && events.some((x) => x.id === e.causationid))
        inAe.add(String(m.properties.messageId));
    }
    await ch.close();
    const returned = events.filter((e) => returnedIds().has(e.id)).length;
    const rowIds = new Set(rows.map((r) => r.id));
    const accepted = erp.messages.filter((m) => parseEvent(m.content).type === 'invoice.accepted');

    console.log(
      `R2a agency.events (alternate exchange): published ${N} results with no binding → ` +
        `in AE queue ${inAe.size}/${N}, returned ${returned}/${N}, rows SENT ` +
        `${rows.filter((r) => r.state === 'SENT').length}/${N} (pending ${rows.filter((r) => r.state === 'PENDING').length}), ` +
        `metric connector_queue_messages{unroutable}=${depthMetric}, ` +
        `events_out confirmed=${confirmedMetric}, ERP queue got ${accepted.length}`,
    );
    expect(inAe.size).toBe(N);
    expect([...inAe].every((id) => rowIds.has(id))).toBe(true);
    expect(returned).toBe(0);
    expect(accepted).toHaveLength(0);
    expect(depthMetric).toBe(N);
  });

  it('b. dead-letter copies with their binding deleted (no alternate exchange): 100/100 returned, rows stay pending', async () => {
    const dlq = `${ns.prefix}.dead-letter`;
    const dlx = `${ns.prefix}.dlx`;
    await raw.channel.unbindQueue(dlq, dlx, '#');
    const events = Array.from({ length: N }, (_, i) =>
      // Schema violation: an invoice without its fields, dead-lettered at once.
      envelope('acme', 'invoice.created', { invoiceNumber: String(920_000 + i) }),
    );
    const ids = new Set(events.map((e) => e.id));
    await publishEvents(raw.channel, ns.erpExchange, events);
    await waitForAnswers(
      erp.messages,
      events.map((e) => e.id),
      30_000,
    );
    await waitUntil(
      () => events.every((e) => returnedIds().has(e.id)),
      15_000,
      'a return for every copy',
    );
    const copies = () =>
      readStoreFile(storeFile).outbox.filter((r) => {
        if (!r.id.startsWith('dlq:')) return false;
        return ids.has(String(JSON.parse(r.body === '' ? '{}' : r.body).id));
      });
    const held = copies();
    const pending = held.filter((r) => r.state === 'PENDING');
    const returnedErrors = pending.filter((r) => (r.lastError ?? '').includes('returned'));
    const pendingMetric = metricValue(await scrapeMetrics(port), 'connector_outbox_pending');
    const dlqDepth = await raw.messageCount(dlq);
    const aeDepth = await raw.messageCount(`${ns.prefix}.unroutable`);
    const returned = events.filter((e) => returnedIds().has(e.id)).length;

    // The binding is back: the outbox sweep publishes the held rows.
    const recoverStart = Date.now();
    await raw.channel.bindQueue(dlq, dlx, '#');
    await waitUntil(async () => (await raw.messageCount(dlq)) >= N, 30_000, 'copies delivered');
    await waitUntil(() => copies().every((r) => r.state === 'SENT'), 10_000, 'copies marked sent');
    const recoveredMs = Date.now() - recoverStart;

    console.log(
      `R2b ${dlx} (no alternate exchange): ${N} mandatory publishes with the binding deleted → ` +
        `returned ${returned}/${N}, rows PENDING ${pending.length}/${N} (last error "returned" ` +
        `${returnedErrors.length}), metric connector_outbox_pending=${pendingMetric}, ` +
        `in DLQ ${dlqDepth}, in ${ns.prefix}.unroutable ${aeDepth}; binding restored → all ` +
        `${N} delivered and marked SENT in ${recoveredMs} ms`,
    );
    expect(held).toHaveLength(N);
    expect(returned).toBe(N);
    expect(pending).toHaveLength(N);
    expect(returnedErrors).toHaveLength(N);
    expect(pendingMetric).toBeGreaterThanOrEqual(N);
    expect(dlqDepth).toBe(0);
    expect(aeDepth).toBe(0);
  });
});
