/**
 * Store micro-benchmark (SQLite, durable commits (WAL synced before each write resolves), WAL, on a temp file):
 * - commits per second of a typical pipeline commit (inbox entry + invoice + 1 outbox row);
 * - outbox relay throughput: pendingOutbox(batch) + markOutboxSent(ids) until drained.
 * Run: `node bench/store.bench.ts [commits] [outboxRows]`. Figures depend on the disk's fsync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore } from '../adapters/store/index.ts';
import type { OutboxRow, Store, StoreChanges } from '../adapters/store/types.ts';

const commits = Number(process.argv[2] ?? 2_000);
const outboxRows = Number(process.argv[3] ?? 20_000);
const relayBatch = 100;

function pipelineCommit(i: number): StoreChanges {
  const now = new Date().toISOString();
  const invoiceNumber = `INV-${i}`;
  return {
    inbox: [
      {
        source: 'erp-a',
        messageId: `msg-${i}`,
        type: 'invoice.created',
        invoiceNumber,
        state: 'DONE',
        attempts: 1,
        attemptStartedAt: now,
        outcome: 'accepted',
        resultIds: [`out-${i}`],
        createdAt: now,
        updatedAt: now,
      },
    ],
    invoices: [
      {
        source: 'erp-a',
        invoiceNumber,
        status: 'CREATED',
        caseId: null,
        currency: 'EUR',
        grossAmount: '125.50',
        paidAmount: '0.00',
        dueDate: '2026-04-01',
        distributionStatus: null,
        caseStatus: null,
        caseStage: null,
        document: null,
        balanceTotal: null,
        closed: false,
        lastCheckedAt: null,
        lastActivityAt: now,
        createdAt: now,
        updatedAt: now,
      },
    ],
    outbox: [outboxRow(`out-${i}`, now)],
  };
}

function outboxRow(id: string, now: string): OutboxRow {
  return {
    id,
    exchange: 'agency.events',
    routingKey: 'erp-a.invoice.accepted',
    body: JSON.stringify({ specversion: '1.0', id, type: 'invoice.accepted', data: { n: id } }),
    headers: { 'x-source': 'erp-a' },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: now,
    sentAt: null,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function benchCommits(store: Store, label: string): Promise<void> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < commits; i++) {
    const t = performance.now();
    await store.commit(pipelineCommit(i));
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1_000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${label}: ${commits} pipeline commits (inbox + invoice + 1 outbox row) in ${seconds.toFixed(2)} s = ` +
      `${Math.round(commits / seconds)} commits/s; latency p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
}

async function benchRelay(store: Store, label: string): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < outboxRows; i += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, outboxRows - i) }, (_, j) =>
      outboxRow(`relay-${i + j}`, now),
    );
    await store.commit({ outbox: rows });
  }
  let drained = 0;
  const start = performance.now();
  for (;;) {
    const batch = await store.pendingOutbox(relayBatch);
    if (batch.length === 0) break;
    await store.markOutboxSent(
      batch.map((r) => r.id),
      new Date().toISOString(),
    );
    drained += batch.length;
  }
  const seconds = (performance.now() - start) / 1_000;
  console.log(
    `${label}: drained ${drained} pending outbox rows (pendingOutbox(${relayBatch}) + markOutboxSent) in ` +
      `${seconds.toFixed(2)} s = ${Math.round(drained / seconds)} rows/s ` +
      `(${Math.round(drained / relayBatch / seconds)} batches/s)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'store-bench-'));
try {
  const file = await createStore(`sqlite:${join(dir, 'bench.db')}`);
  await benchCommits(file, 'sqlite file, durable commits (WAL synced before each write resolves)');
  await file.close();

  const relay = await createStore(`sqlite:${join(dir, 'relay.db')}`);
  await benchRelay(relay, 'sqlite file, durable commits (WAL synced before each write resolves)');
  await relay.close();

  const memory = await createStore('sqlite::memory:');
  await benchCommits(memory, 'sqlite :memory: (no fsync, for reference)');
  await memory.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
