/**
 * Pollers as real connector processes against one SQLite store file, the simulator over HTTP and
 * the real broker:
 * - SIGKILL while the answer of a destructive `unfetchedOnly` settlement read is still arriving
 *   (the agency has marked the settlements fetched; nothing stored or published yet), restart:
 *   every settlement and allocation reaches the ERP, each under one id.
 * - Two processes: only one holds the poller lease; kill it; the other takes over within the
 *   lease time.
 */
import type { ConsumeMessage } from 'amqplib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgencyClient } from '../../../adapters/agency/index.ts';
import {
  createSimulator,
  type RunningServer,
  type Simulator,
} from '../../../adapters/agency/simulator/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { openRawAmqp, uniqueNamespace, waitUntil, type RawAmqp } from '../../helpers/amqp.ts';
import {
  startConnectorProcess,
  writeConfigFile,
  type ConnectorProcess,
} from '../../helpers/connector-process.ts';
import { invoiceData } from '../../helpers/events.ts';
import { TEST_SELLER, testConfigRaw } from '../../helpers/test-config.ts';

const NEVER = '0 0 1 1 *';
const LEASE_MS = 2000;

let sim: Simulator;
let server: RunningServer;
let amqp: RawAmqp;
const children: ConnectorProcess[] = [];

beforeAll(async () => {
  sim = createSimulator({ apiKeys: ['sim-key'] });
  server = await sim.listen({ port: 0 });
  amqp = await openRawAmqp();
});
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await amqp.close();
  await server.close();
});

/** Invoices at the agency, paid, settled in `runs` settlement runs of `per` invoices each. */
async function seedSettlements(runs: number, per: number): Promise<void> {
  const config = parseConfig({ sources: { acme: { seller: TEST_SELLER } } }, { env: {} });
  const mapper = await createMappingPort('mappings', { validators: agencyRequestValidators });
  const agency = createAgencyClient({
    baseUrl: server.baseUrl,
    apiKey: 'sim-key',
    rateLimit: { requestsPerSecond: 1000, maxConcurrent: 10, instances: 1 },
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000 },
    timeoutMs: 5000,
  });
  const today = sim.clock.now().toISOString().slice(0, 10);
  for (let r = 0; r < runs; r += 1) {
    for (let i = 0; i < per; i += 1) {
      const number = String(700000 + r * 100 + i);
      const mapped = await mapper.map('generic', 'invoice.created', {
        event: {
          id: `seed-${number}`,
          type: 'invoice.created',
          time: null,
          subject: number,
          data: invoiceData(number, { invoiceDate: today, dueDate: today }),
        },
        source: { name: 'acme', ...config.sources.acme },
        invoice: null,
      });
      if (mapped.request !== 'createInvoice') throw new Error('not a create');
      await agency.createInvoice(mapped.body);
      sim.pay(number, '150.00');
    }
    sim.runSettlement();
  }
  await agency.close();
}

function received(messages: ConsumeMessage[], type: string): Map<string, Set<string>> {
  const byKey = new Map<string, Set<string>>();
  for (const m of messages) {
    const e = JSON.parse(m.content.toString('utf8')) as {
      id: string;
      type: string;
      data: Record<string, unknown>;
    };
    if (e.type !== type) continue;
    const key =
      type === 'settlement.received'
        ? String(e.data.settlementId)
        : `${String(e.data.settlementId)}/${String(e.data.invoiceNumber)}`;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(e.id));
  }
  return byKey;
}

describe('pollers in connector processes', () => {
  it('SIGKILL between a destructive settlement read and publishing loses nothing', async () => {
    const ns = uniqueNamespace('pollkill');
    const storeFile = join(mkdtempSync(join(tmpdir(), 'pollers-')), 'store.sqlite');
    try {
      await seedSettlements(4, 5);
      const settlements = sim.state().settlements;
      expect(settlements).toHaveLength(4);
      sim.setFaults({
        endpoints: ['GET /settlements'],
        slowBodyRate: 1,
        slowBodyChunkBytes: 32,
        slowBodyChunkDelayMs: 25,
      });
      const raw = testConfigRaw(ns, server.baseUrl, storeFile);
      const file = writeConfigFile({
        ...raw,
        pollers: {
          settlements: '* * * * * *',
          distribution: NEVER,
          cases: NEVER,
          payments: NEVER,
          debtCollection: NEVER,
          leaseTtlMs: LEASE_MS,
        },
      });
      const first = await startConnectorProcess(file);
      children.push(first);
      await amqp.waitForExchange(ns.agencyExchange);
      const { messages } = await amqp.collect(ns.agencyExchange, 'acme.#');
      // The destructive read was answered (all marked fetched); its body is still streaming.
      await waitUntil(
        () =>
          sim
            .state()
            .settlements.every((s) => (s as { apiFetchDate?: unknown }).apiFetchDate != null),
        15_000,
        'the destructive settlement read',
      );
      await first.kill('SIGKILL');
      expect(messages).toHaveLength(0);

      sim.setFaults({ slowBodyRate: 0 });
      const second = await startConnectorProcess(file);
      children.push(second);
      await waitUntil(
        () => received(messages, 'invoice.settled').size === 20,
        30_000,
        'all allocations',
      );
      const summaries = received(messages, 'settlement.received');
      expect([...summaries.keys()].sort()).toEqual(
        settlements.map((s) => String(s.settlementId)).sort(),
      );
      for (const ids of summaries.values()) expect(ids.size).toBe(1);
      for (const ids of received(messages, 'invoice.settled').values()) expect(ids.size).toBe(1);
      await second.kill('SIGTERM');
    } finally {
      await amqp.cleanup(ns);
    }
  });

  it('two processes on one store: one polls; kill it; the other takes over within the lease time', async () => {
    const ns = uniqueNamespace('pollpair');
    const storeFile = join(mkdtempSync(join(tmpdir(), 'pollers-')), 'store.sqlite');
    try {
      const raw = testConfigRaw(ns, server.baseUrl, storeFile);
      const file = writeConfigFile({
        ...raw,
        pollers: {
          settlements: '* * * * * *',
          distribution: NEVER,
          cases: NEVER,
          payments: NEVER,
          debtCollection: NEVER,
          leaseTtlMs: LEASE_MS,
        },
      });
      const a = await startConnectorProcess(file);
      children.push(a);
      const b = await startConnectorProcess(file);
      children.push(b);
      const leads = (p: ConnectorProcess) =>
        p.output.join('').includes('poller leadership acquired');
      await waitUntil(() => leads(a) || leads(b), 10_000, 'a leader');
      const leader = leads(a) ? a : b;
      const other = leader === a ? b : a;
      // An absence cannot be awaited: both keep competing for a full lease time (3 renewals).
      await new Promise((r) => setTimeout(r, LEASE_MS));
      expect(leads(other)).toBe(false);
      const killedAt = Date.now();
      await leader.kill('SIGKILL');
      await waitUntil(() => leads(other), LEASE_MS * 3, 'takeover');
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 1000);
      await other.kill('SIGTERM');
    } finally {
      await amqp.cleanup(ns);
    }
  });
});
