/**
 * The pipeline under faults on the real broker, the connector as a child process: duplicates,
 * events before their invoice, poison messages, agency 5xx / 429 / answers lost after commit,
 * the broker closing the connector's connections, and SIGKILL of the connector at seeded random
 * moments with restarts. At the end: every invoice created once, every action applied once, a
 * result for every event, nothing left in the queues. The seed is printed on failure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { createSimulator } from '../../../adapters/agency/simulator/index.ts';
import { waitUntil, type Namespace, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import {
  envelope,
  invoiceData,
  paymentReceived,
  parseEvent,
  type TestEvent,
} from '../../helpers/events.ts';
import { seededRandom } from '../../helpers/random.ts';
import { openTestBed, type TestBed } from '../../helpers/test-bed.ts';
import { testConfigRaw } from '../../helpers/test-config.ts';

const run = promisify(execFile);

async function closeConnectorConnections(): Promise<void> {
  const table = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-s']);
  for (const line of table.stdout.split('\n')) {
    if (!line.includes('agency-connector:')) continue;
    const pid = line.split('\t')[0];
    if (pid)
      await run('rabbitmqctl', ['close_connection', pid, 'test: forced close']).catch(
        () => undefined,
      );
  }
}

function workload(random: () => number) {
  const events: TestEvent[] = [];
  const invoices = Array.from({ length: 30 }, (_, i) => String(700_000 + i));
  const actions: TestEvent[] = [];
  for (const [i, n] of invoices.entries()) {
    events.push(envelope('acme', 'invoice.created', invoiceData(n)));
    if (i % 3 !== 2) {
      actions.push(paymentReceived(n));
    }
    if (i % 5 === 0)
      actions.push(
        envelope('acme', 'invoice.comment_added', { invoiceNumber: n, comment: 'note' }),
      );
    if (i % 7 === 0) actions.push(envelope('acme', 'invoice.withdrawn', { invoiceNumber: n }));
  }
  // Some actions before their invoice (out of order), most after.
  const ordered: TestEvent[] = [];
  for (const a of actions) if (random() < 0.2) ordered.push(a);
  ordered.push(...events);
  for (const a of actions) if (!ordered.includes(a)) ordered.push(a);
  const withDuplicates = ordered.flatMap((e) => (random() < 0.1 ? [e, e] : [e]));
  return { invoices, actions, all: [...events, ...actions], sequence: withDuplicates };
}

describe('pipeline under faults (child process, real broker)', () => {
  let bed: TestBed;
  let ns: Namespace;
  let raw: RawAmqp;
  let sim: ReturnType<typeof createSimulator>;
  let agency: { baseUrl: string; close(): Promise<void> };
  let proc: ConnectorProcess | null = null;
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);

  beforeEach(async () => {
    bed = await openTestBed('faults', {
      seed,
      recordBodies: false,
      lifecycle: { applyActionsImmediately: true },
      faults: {
        latencyMs: [0, 30],
        error500Rate: 0.04,
        random429Rate: 0.05,
        commitThen500Rate: 0.02,
        commitThenDropRate: 0.03,
        retryAfterSeconds: 1,
      },
    });
    ({ ns, raw, sim, agency } = bed);
  });

  afterEach(async () => {
    await proc?.kill('SIGKILL');
    await bed.close();
  });

  it(
    'applies every event once and answers each, whatever happens',
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(seed);
      const { invoices, actions, all, sequence } = workload(random);
      const rawConfig = testConfigRaw(ns, agency.baseUrl);
      rawConfig.broker.maxAttempts = 10;
      const cfg = writeConfigFile(rawConfig);
      proc = await startConnectorProcess(cfg);
      await raw.waitForExchange(ns.agencyExchange);
      const results = await raw.collect(ns.agencyExchange, 'acme.#');
      try {
        const poison = [
          '{"broken',
          JSON.stringify({ specversion: '1.0', id: 'p-2', type: 'invoice.created' }),
          '[]',
        ];
        for (const [i, e] of sequence.entries()) {
          await raw.publish(ns.erpExchange, e.routingKey, e.body, e.id);
          if (i === 10)
            await raw.publish(ns.erpExchange, 'acme.invoice.created', poison[0]!, 'p-1');
          if (i === 20)
            await raw.publish(ns.erpExchange, 'acme.invoice.created', poison[1]!, 'p-2');
          if (i === 30)
            await raw.publish(ns.erpExchange, 'acme.invoice.created', poison[2]!, 'p-3');
        }
        // Faults while it drains: three SIGKILLs at seeded moments, one forced connection close.
        for (let k = 0; k < 3; k += 1) {
          await new Promise((r) => setTimeout(r, 300 + random() * 1500));
          if (k === 1) await closeConnectorConnections();
          await proc.kill('SIGKILL');
          proc = await startConnectorProcess(cfg);
        }
        const expected = new Set(all.map((e) => e.id));
        const answered = () =>
          new Set(results.messages.map((m) => parseEvent(m.content).causationid));
        await waitUntil(
          () => [...expected].every((id) => answered().has(id)),
          120_000,
          'a result for every event',
        );
        await waitUntil(
          async () => (await raw.messageCount(`${ns.prefix}.acme.inbound`)) === 0,
          30_000,
          'empty queue',
        );
        expect(await proc.kill('SIGTERM')).toBe(0);
        proc = null;

        const state = sim.state();
        for (const n of invoices)
          expect(state.invoiceCreates[n]?.committed, `invoice ${n}`).toBe(1);
        for (const a of actions) {
          const keys = Object.entries(state.actionsByKey).filter(([key]) =>
            key.includes(`[erp:${a.id}]`),
          );
          const committed = keys.reduce((sum, [, v]) => sum + v.committed, 0);
          expect(committed, `action ${a.type} ${a.id}`).toBe(1);
        }
        const byCause = new Map<string, Set<string>>();
        for (const m of results.messages) {
          const e = parseEvent(m.content);
          if (!e.causationid) continue;
          byCause.set(e.causationid, (byCause.get(e.causationid) ?? new Set()).add(e.type));
        }
        for (const e of all) {
          const types = [...(byCause.get(e.id) ?? [])];
          expect(types, `result of ${e.type} ${e.id}`).toEqual([
            e.type === 'invoice.created' ? 'invoice.accepted' : 'action.accepted',
          ]);
        }
        for (const q of ['acme.inbound', 'retry.200ms', 'retry.500ms']) {
          expect(await raw.messageCount(`${ns.prefix}.${q}`), q).toBe(0);
        }
        const dead = await raw.messageCount(`${ns.prefix}.dead-letter`);
        expect(dead).toBe(3);
      } catch (err) {
        console.error(`faults test failed with FAULT_SEED=${seed}`);
        throw err;
      }
    },
  );
});
