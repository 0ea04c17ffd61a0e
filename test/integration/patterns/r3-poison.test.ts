/**
 * RELIABILITY.md R3, poison messages: 1,000 valid messages plus 20 poison ones (bad JSON, schema
 * violation, 2 MiB body, JSON nested 10,000 levels, a handler that throws), connector as a child
 * process with the default `x-delivery-limit` (10). Pass: 1,000/1,000 processed; 20/20 in the
 * dead-letter queue with a reason; each poison message delivered ≤ delivery-limit + 1 times;
 * 0 process crashes; valid throughput ≥ 80% of the baseline: the mean of two runs of 1,000
 * without poison (one before, one after), against the same connector process.
 *
 * "A handler that throws": the pipeline catches every error it can classify, so a message cannot
 * make it throw by its content alone. The test injects a store fault for four messages instead
 * (an SQLite trigger that aborts their inbox insert, the way RELIABILITY.md §5.2 lists store
 * faults), so their handler throws on every delivery and the broker's delivery limit has to end
 * it.
 */
import { DatabaseSync } from 'node:sqlite';
import type { ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { envelope, invoiceData, type TestEvent } from '../../helpers/events.ts';
import { readStoreFile } from '../../helpers/ledger-check.ts';
import { seededRandom } from '../../helpers/random.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';
import {
  eventId,
  faultSeed,
  logLines,
  publishEvents,
  seconds,
  waitForAnswers,
  waitForQueues,
  withSeed,
} from './support.ts';

const VALID = 1000;
const DELIVERY_LIMIT = 10;
const MIB = 1024 * 1024;

interface Poison {
  id: string;
  kind: 'bad-json' | 'schema' | '2-mib' | 'deep-json' | 'handler-throws';
  routingKey: string;
  body: Buffer;
}

function nested(levels: number, open: string, close: string, inner = '1'): string {
  return open.repeat(levels) + inner + close.repeat(levels);
}

function poisonMessages(): Poison[] {
  const list: Poison[] = [];
  const add = (
    kind: Poison['kind'],
    body: string | Buffer,
    routingKey = 'acme.invoice.created',
  ) => {
    const id = `r3-${kind}-${list.filter((p) => p.kind === kind).length + 1}`;
    list.push({ id, kind, routingKey, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });
    return id;
  };
  // Bad JSON.
  add('bad-json', '{"specversion":"1.0","id":"x","type":"invoice.cre');
  add('bad-json', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  add('bad-json', '{"specversion":"1.0",}');
  add('bad-json', 'not json at all');
  // Schema violations (ids in the body equal the AMQP message ids).
  const schema = (data: Record<string, unknown>, type = 'invoice.created') => {
    const id = `r3-schema-${list.filter((p) => p.kind === 'schema').length + 1}`;
    list.push({
      id,
      kind: 'schema',
      routingKey: `acme.${type}`,
      body: Buffer.from(envelope('acme', type, data, eventId(id)).body),
    });
  };
  schema({ invoiceNumber: '5100001' });
  schema({ ...invoiceData('5100002'), totals: { net: '1.00', vat: '0.00', gross: '9.99' } });
  schema(
    { invoiceNumber: '5100003', amount: 'ten', currency: 'EUR', paymentDate: '2026-11-25' },
    'invoice.payment_received',
  );
  schema({ invoiceNumber: '5100004', surprise: true }, 'invoice.withdrawn');
  // 2 MiB bodies (the limit is 1 MiB, checked before JSON.parse).
  add(
    '2-mib',
    envelope(
      'acme',
      'invoice.created',
      invoiceData('5200001', { description: 'x'.repeat(2 * MIB) }),
    ).body,
  );
  add('2-mib', JSON.stringify({ padding: Array.from({ length: (2 * MIB) / 8 }, () => 1234567) }));
  add('2-mib', ' '.repeat(2 * MIB) + '{}');
  add('2-mib', Buffer.alloc(2 * MIB, 0x61));
  // JSON nested 10,000 levels.
  add('deep-json', nested(10_000, '[', ']'));
  add('deep-json', nested(10_000, '{"a":', '}'));
  // An envelope whose id is readable: the dead letter keeps the envelope id (= the AMQP id).
  list.push({
    id: 'r3-deep-json-3',
    kind: 'deep-json',
    routingKey: 'acme.invoice.created',
    body: Buffer.from(
      envelope(
        'acme',
        'invoice.created',
        { invoiceNumber: '5300003', x: 0 },
        eventId('r3-deep-json-3'),
      ).body.replace('"x":0', `"x":${nested(10_000, '[', ']')}`),
    ),
  });
  add('deep-json', nested(5_000, '[{"a":', '}]'));
  // Handler throws (store fault on their inbox insert, installed by the test).
  for (let i = 1; i <= 4; i += 1) {
    const id = `r3-throw-${i}`;
    list.push({
      id,
      kind: 'handler-throws',
      routingKey: 'acme.invoice.created',
      body: Buffer.from(
        envelope('acme', 'invoice.created', { invoiceNumber: `540000${i}` }, eventId(id)).body,
      ),
    });
  }
  return list;
}

function valid(from: number): TestEvent[] {
  return Array.from({ length: VALID }, (_, i) =>
    envelope('acme', 'invoice.created', invoiceData(String(from + i))),
  );
}

describe('R3: poison messages (child process, real broker)', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let proc: ConnectorProcess;
  let storeFile: string;
  let results: { messages: ConsumeMessage[] };

  beforeAll(async () => {
    bed = await openTestBed('r3');
    ({ ns, raw } = bed);
    const config = testConfigRaw(ns, bed.agency.baseUrl);
    storeFile = config.store.url.slice('sqlite:'.length);
    proc = await startConnectorProcess(writeConfigFile(config));
    await raw.waitForExchange(ns.agencyExchange);
    await waitForQueues(raw, [`${ns.prefix}.acme.inbound`, `${ns.prefix}.dead-letter`]);
    results = await raw.collect(ns.agencyExchange, 'acme.#');
    const db = new DatabaseSync(storeFile);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec(`CREATE TRIGGER r3_store_fault BEFORE INSERT ON inbox
      WHEN NEW.message_id LIKE 'r3-throw-%'
      BEGIN SELECT RAISE(ABORT, 'r3: injected store fault'); END`);
    db.close();
  });

  afterAll(async () => {
    await proc.kill('SIGKILL');
    await bed.close();
  });

  it(
    '1,000 valid processed, 20 poison dead-lettered with a reason, ≤ limit + 1 deliveries, no crash, ≥ 80% throughput',
    { timeout: 180_000 },
    async () => {
      const seed = faultSeed();
      await withSeed('R3', seed, async () => {
        const random = seededRandom(seed);
        // Warm-up (not measured), then the baseline: 1,000 valid, no poison.
        const warm = valid(5_000_000).slice(0, 100);
        await publishEvents(raw.channel, ns.erpExchange, warm);
        await waitForAnswers(
          results.messages,
          warm.map((e) => e.id),
          60_000,
        );

        // Baseline runs of 1,000 valid without poison before and after the poison run; their mean
        // is the baseline, so a load change on the shared machine during the test cancels out.
        const timed = async (list: (TestEvent | Poison)[]): Promise<number> => {
          const ids = list.filter((m): m is TestEvent => 'type' in m).map((e) => e.id);
          const t0 = Date.now();
          await publishEvents(raw.channel, ns.erpExchange, list);
          await waitForAnswers(results.messages, ids, 120_000);
          return Date.now() - t0;
        };
        const before = valid(5_010_000);
        const beforeMs = await timed(before);

        // The same with 20 poison messages at seeded places.
        const poison = poisonMessages();
        const mixed: (TestEvent | Poison)[] = valid(5_020_000);
        for (const p of poison) mixed.splice(Math.floor(random() * (mixed.length + 1)), 0, p);
        const mixedMs = await timed(mixed);

        const after = valid(5_030_000);
        const afterMs = await timed(after);
        const baselineMs = (beforeMs + afterMs) / 2;
        const baseline = [...before, ...after];

        const dlq = `${ns.prefix}.dead-letter`;
        await waitUntil(
          async () => (await raw.messageCount(dlq)) >= poison.length,
          60_000,
          '20 dead letters',
        );
        await waitUntil(
          async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
          30_000,
          'an empty inbound queue',
        );
        const reasons = new Map<string, string>();
        const ch = await raw.connection.createChannel();
        ch.on('error', () => undefined);
        for (;;) {
          const m = await ch.get(dlq, { noAck: true });
          if (!m) break;
          const h = m.properties.headers ?? {};
          const death = (h['x-death'] as { reason?: string }[] | undefined)?.[0]?.reason;
          const reason = h['x-dead-letter-reason'] ?? h['x-first-death-reason'] ?? death;
          reasons.set(String(m.properties.messageId), reason ? String(reason as string) : '');
        }
        await ch.close();

        const lines = logLines(proc);
        // One "message dead-lettered" line per delivery of an invalid message (logged before its
        // commit, so also for the throwing ones, which log "handler threw" as well).
        const count = (msg: string) => {
          const out = new Map<string, number>();
          for (const l of lines) {
            if (l.msg !== msg || typeof l.messageId !== 'string') continue;
            out.set(l.messageId, (out.get(l.messageId) ?? 0) + 1);
          }
          return out;
        };
        const deadLettered = count('message dead-lettered');
        const threw = count('handler threw');
        const deliveries = new Map(
          poison.map((p) => [p.id, Math.max(deadLettered.get(p.id) ?? 0, threw.get(p.id) ?? 0)]),
        );
        const store = readStoreFile(storeFile);
        const processed = [...baseline, ...mixed].filter(
          (e) => 'type' in e && store.inbox.get(e.id)?.state === 'DONE',
        ).length;
        const crashed = proc.child.exitCode !== null;
        const starts = lines.filter((l) => l.msg === 'connector started').length;
        const unhandled = lines.filter((l) => l.msg === 'unhandled rejection').length;
        const ratio = baselineMs / mixedMs;
        const byKind = (kind: Poison['kind']) =>
          poison.filter((p) => p.kind === kind && reasons.get(p.id)).length;
        const maxDeliveries = Math.max(...poison.map((p) => deliveries.get(p.id) ?? 0));

        console.log(
          `R3 seed=${seed} processed ${processed}/${3 * VALID} valid | dead-lettered with reason ` +
            `${poison.filter((p) => reasons.get(p.id)).length}/${poison.length} (bad JSON ${byKind('bad-json')}/4, ` +
            `schema ${byKind('schema')}/4, 2 MiB ${byKind('2-mib')}/4, deep ${byKind('deep-json')}/4, ` +
            `throws ${byKind('handler-throws')}/4; reasons ${[...new Set(poison.map((p) => reasons.get(p.id)))].join(', ')}) | ` +
            `deliveries per poison: max ${maxDeliveries} (limit ${DELIVERY_LIMIT} + 1), throwing ones ` +
            `${poison
              .filter((p) => p.kind === 'handler-throws')
              .map((p) => deliveries.get(p.id) ?? 0)
              .join('/')} | ` +
            `crashes ${crashed ? 1 : 0}, starts ${starts}, unhandled rejections ${unhandled} | ` +
            `throughput baseline ${(VALID / (baselineMs / 1000)).toFixed(0)}/s (mean of ${seconds(beforeMs)} s ` +
            `and ${seconds(afterMs)} s), ` +
            `with poison ${(VALID / (mixedMs / 1000)).toFixed(0)}/s (${seconds(mixedMs)} s) = ${(100 * ratio).toFixed(0)}%`,
        );
        expect(processed).toBe(3 * VALID);
        for (const p of poison) {
          expect(reasons.get(p.id), `reason of ${p.id}`).toBeTruthy();
          const n = deliveries.get(p.id) ?? 0;
          expect(n, `deliveries of ${p.id}`).toBeGreaterThanOrEqual(1);
          expect(n, `deliveries of ${p.id}`).toBeLessThanOrEqual(DELIVERY_LIMIT + 1);
        }
        expect(crashed).toBe(false);
        expect(starts).toBe(1);
        expect(unhandled).toBe(0);
        expect(ratio).toBeGreaterThanOrEqual(0.8);
        expect(await proc.kill('SIGTERM')).toBe(0);
      });
    },
  );
});
