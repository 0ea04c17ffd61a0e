/**
 * On the real RabbitMQ: an event accepted by POST /v1/events is in the source's inbound queue
 * (read with a raw channel); while the broker link is down the ingress answers 503 and the
 * event is not lost (the ERP's retry after reconnect lands it). Readiness turns 503 when the
 * broker connection is closed and 200 again after reconnect.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopology, createBroker, type Broker } from '../../../adapters/rabbitmq/index.ts';
import { createStore, type Store } from '../../../adapters/store/index.ts';
import { parseConfig, type ConnectorConfig } from '../../../config/index.ts';
import { createConnectorHttp, type ConnectorHttp } from '../../../connector/http/connector-http.ts';
import { createReadiness } from '../../../connector/http/readiness.ts';
import {
  AMQP_URL,
  openRawAmqp,
  uniqueNamespace,
  waitUntil,
  type RawAmqp,
} from '../../helpers/amqp.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { TEST_SELLER } from '../../helpers/test-config.ts';

const TOKEN = 'acme-ingress-token-integration-1';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const ns = uniqueNamespace('http');
let raw: RawAmqp;
let broker: Broker;
let store: Store;
let config: ConnectorConfig;
let http: ConnectorHttp;

beforeAll(async () => {
  raw = await openRawAmqp();
  config = parseConfig(
    {
      broker: {
        url: AMQP_URL,
        inboundExchange: ns.erpExchange,
        outboundExchange: ns.agencyExchange,
        queuePrefix: ns.prefix,
      },
      log: { level: 'silent' },
      sources: { acme: { seller: TEST_SELLER, ingressToken: TOKEN } },
    },
    { env: {} },
  );
  store = await createStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'http-int-')), 's.sqlite')}`);
  broker = createBroker({
    url: AMQP_URL,
    log: silent,
    // A fixed 1.5 s reconnect delay, so the outage is long enough to be observed.
    reconnectBaseMs: 1500,
    reconnectMaxMs: 1500,
    random: () => 1,
    topology: buildTopology({
      prefix: ns.prefix,
      erpExchange: ns.erpExchange,
      agencyExchange: ns.agencyExchange,
      sources: ['acme'],
    }),
  });
  broker.start();
  await waitUntil(() => broker.status().connected, 15_000, 'broker connected');
  const readiness = createReadiness({
    // The runtime's rule for the broker and the store (connector/runtime.ts readiness()).
    base: async () => {
      const s = broker.status();
      const checks: Record<string, string> = {
        broker: !s.connected ? 'disconnected' : s.blocked ? 'blocked' : 'ok',
      };
      checks.store = await store.ping().then(
        () => 'ok',
        () => 'unreachable',
      );
      return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
    },
    consumers: () => broker.status().consumers,
    depth: async (q) => (await broker.checkQueue(q)).messageCount,
    stallMs: 60_000,
  });
  http = createConnectorHttp({
    config,
    store,
    readiness,
    relay: { publishRows: () => Promise.resolve(true) },
    ingress: {
      connected: () => broker.status().connected,
      publish: (rk, body, o) =>
        broker.publish(config.broker.inboundExchange, rk, body, { ...o, timeoutMs: 3000 }),
    },
  });
});

afterAll(async () => {
  await broker?.close();
  await store?.close();
  await raw?.cleanup(ns);
  await raw?.close();
});

const post = (body: string) =>
  http.app.request('/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body,
  });

async function getFromInbound(): Promise<{
  messageId: string;
  routingKey: string;
  body: string;
} | null> {
  const m = await raw.channel.get(`${ns.prefix}.acme.inbound`, { noAck: true });
  return m
    ? {
        messageId: String(m.properties.messageId),
        routingKey: m.fields.routingKey,
        body: m.content.toString(),
      }
    : null;
}

describe('ingress on the real broker', () => {
  it('an accepted event is in the inbound queue with its id as message id', async () => {
    const e = envelope('acme', 'invoice.created', invoiceData('4711'));
    const res = await post(e.body);
    expect(res.status).toBe(202);
    const got = await getFromInbound();
    expect(got).toMatchObject({ messageId: e.id, routingKey: 'acme.invoice.created' });
    expect(JSON.parse(got!.body).id).toBe(e.id);
  });

  it('broker connection closed: ingress 503 and readiness 503; after reconnect 200, and the retry lands', async () => {
    expect((await http.app.request('/readyz')).status).toBe(200);
    const e = envelope('acme', 'invoice.created', invoiceData('4712'));
    broker.testHooks.destroySocket('publish');
    broker.testHooks.destroySocket('consume');
    await waitUntil(() => !broker.status().connected, 5_000, 'broker down');
    expect((await post(e.body)).status).toBe(503);
    const down = await http.app.request('/readyz');
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'not ready',
      checks: { broker: 'disconnected' },
    });
    expect(text).not.toMatch(/amqp|inbound|127\.0\.0\.1/);
    expect(await getFromInbound()).toBeNull();
    await waitUntil(() => broker.status().connected, 15_000, 'broker reconnected');
    expect((await http.app.request('/readyz')).status).toBe(200);
    expect((await post(e.body)).status).toBe(202);
    expect((await getFromInbound())?.messageId).toBe(e.id);
  });
});
