/**
 * Poller benchmark (issue 5): a settlement poll of 5,000 settlements holding 50,000 allocations,
 * and a case poll over 100,000 open cases with a 10,000-call budget. The agency is an in-memory
 * fake (answers at once), so the figures are the connector's own cost: mapping, store commits
 * (SQLite file, durable commits (WAL synced before each write resolves)), outbox rows. Prints time and memory, then the RESULT line.
 *
 *   node --expose-gc bench/pollers.bench.ts [--settlements 5000] [--per 10] [--cases 100000] [--budget 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseDetails, Settlement } from '../adapters/agency/index.ts';
import { createStore, type InvoiceRecord } from '../adapters/store/index.ts';
import { parseConfig } from '../config/index.ts';
import { createLogger } from '../connector/logger.ts';
import { agencyRequestValidators } from '../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../connector/mapping/mapping-port.ts';
import { createOutboxRelay } from '../connector/pipeline/outbox-relay.ts';
import { createPollers, type PollAgency } from '../connector/pollers/index.ts';
import { printResult, round } from './support/result.ts';

const { values } = parseArgs({
  options: {
    settlements: { type: 'string', default: '5000' },
    per: { type: 'string', default: '10' },
    cases: { type: 'string', default: '100000' },
    budget: { type: 'string', default: '10000' },
  },
});
const SETTLEMENTS = Number(values.settlements);
const PER = Number(values.per);
const CASES = Number(values.cases);
const BUDGET = Number(values.budget);
const NOW = new Date('2026-12-10T08:00:00Z');
const seller = {
  businessId: '0646115-8',
  name: 'Acme Hosting Oy',
  address: { street: 'Teirinkatu 6', postalCode: '65100', city: 'VAASA', countryCode: 'FI' },
  iban: 'FI2112345600000785',
  bic: 'NDEAFIHH',
};

function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

function invoiceRow(n: number): InvoiceRecord {
  const at = '2026-11-01T00:00:00.000Z';
  return {
    source: 'acme',
    invoiceNumber: String(1_000_000 + n),
    status: 'CREATED',
    caseId: String(5_000_000 + n),
    currency: 'EUR',
    grossAmount: '150.00',
    paidAmount: '0.00',
    dueDate: n % 2 === 0 ? '2026-11-20' : '2026-12-30',
    distributionStatus: 'DELIVERED',
    caseStatus: 'OPEN',
    caseStage: 'INVOICE',
    balanceTotal: '150.00',
    document: null,
    closed: false,
    lastCheckedAt: null,
    lastActivityAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

function settlements(): Settlement[] {
  const out: Settlement[] = [];
  for (let s = 0; s < SETTLEMENTS; s += 1) {
    const allocations = Array.from({ length: PER }, (_, i) => {
      const n = s * PER + i;
      return {
        allocationId: String(9_000_000 + n),
        allocatedTotalAmount: '100.00',
        allocationDate: '2026-12-08',
        currency: 'EUR',
        caseId: String(5_000_000 + n),
        originalInvoiceNumber: String(1_000_000 + n),
        originalPaymentReference: null,
        breakdown: [
          { type: 'CAPITAL', amount: '90.00' },
          { type: 'INTEREST', amount: '6.00' },
          { type: 'FEES', amount: '4.00' },
        ],
      };
    });
    out.push({
      settlementId: String(202612080000 + s),
      settlementDate: '2026-12-08',
      agency: 'CASH-IN',
      remittanceReference: null,
      settlementAmount: (PER * 100).toFixed(2),
      currency: 'EUR',
      apiFetchDate: null,
      allocations,
    });
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'pollers-bench-'));
try {
  const store = await createStore(`sqlite:${join(dir, 'bench.db')}`);
  const rowsNeeded = Math.max(CASES, SETTLEMENTS * PER);
  for (let i = 0; i < rowsNeeded; i += 5000) {
    await store.commit({
      invoices: Array.from({ length: Math.min(5000, rowsNeeded - i) }, (_, k) => invoiceRow(i + k)),
    });
  }
  const all = settlements();
  let unfetched = true;
  let caseCalls = 0;
  const agency: PollAgency = {
    getDistribution: () =>
      Promise.resolve({
        metaData: { totalCount: 0, successfulCount: 0, failedCount: 0 },
        distributions: [],
      }),
    getPayments: () => Promise.resolve([]),
    getSettlements: (q) => {
      if (q.unfetchedOnly && unfetched) {
        unfetched = false;
        return Promise.resolve(all);
      }
      return Promise.resolve(q.unfetchedOnly ? [] : all);
    },
    getCase: (q) => {
      caseCalls += 1;
      const caseId = 'caseId' in q ? q.caseId : '0';
      const changed = Number(caseId) % 10 === 0; // 10 % of cases moved on
      const c: CaseDetails = {
        caseId,
        invoiceNumber: null,
        status: 'OPEN',
        stage: changed ? 'REMINDER' : 'INVOICE',
        createdAt: null,
        closedAt: null,
        dueDate: null,
        currency: 'EUR',
        balance: {
          capital: '150.00',
          interest: '0.00',
          costs: changed ? '5.00' : '0.00',
          total: changed ? '155.00' : '150.00',
        },
        payments: [],
        events: [],
      };
      return Promise.resolve(c);
    },
  };
  const config = parseConfig(
    {
      pollers: { caseMaxCallsPerRun: BUDGET, caseFullCycleRuns: 10 },
      sources: { acme: { seller } },
    },
    { env: {} },
  );
  const logger = createLogger({ level: 'silent', pretty: 'never' });
  let published = 0;
  const relay = createOutboxRelay({
    store,
    logger,
    publisher: {
      publish: () => {
        published += 1;
        return Promise.resolve();
      },
      sendToQueue: () => Promise.resolve(),
    },
  });
  const mapper = await createMappingPort('mappings', { validators: agencyRequestValidators });
  const pollers = createPollers({
    store,
    agency,
    mapper,
    relay,
    config,
    logger,
    now: () => NOW,
    instanceId: 'bench',
  });

  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const s0 = performance.now();
  const settlementRun = await pollers.runNow('settlements');
  const settlementSeconds = (performance.now() - s0) / 1000;
  const settlementHeapMb = mb(process.memoryUsage().heapUsed - heap0);
  if (settlementRun.result !== 'ok')
    throw new Error(`settlement run: ${settlementRun.error ?? settlementRun.result}`);
  console.log(
    `settlement poll: ${SETTLEMENTS} settlements, ${SETTLEMENTS * PER} allocations, ${settlementRun.events} events in ${round(settlementSeconds, 2)} s ` +
      `(${Math.round((SETTLEMENTS * PER) / settlementSeconds)} allocations/s), heap +${settlementHeapMb} MB`,
  );

  globalThis.gc?.();
  const c0 = performance.now();
  const caseRun = await pollers.runNow('cases');
  const caseSeconds = (performance.now() - c0) / 1000;
  if (caseRun.result !== 'ok') throw new Error(`case run: ${caseRun.error ?? caseRun.result}`);
  console.log(
    `case poll: ${CASES} open cases, budget ${BUDGET}: ${caseRun.calls} calls, ${caseRun.events} events in ${round(caseSeconds, 2)} s ` +
      `(${Math.round(caseRun.calls / caseSeconds)} cases/s, selection included)`,
  );
  let runsToCoverAll = 1;
  while ((await store.countInvoices({ openCasesOnly: true })) > 0 && runsToCoverAll < 20) {
    const unchecked = await store.listInvoices({ openCasesOnly: true, limit: 1 });
    if (unchecked[0]?.lastCheckedAt !== null) break;
    await pollers.runNow('cases');
    runsToCoverAll += 1;
  }
  console.log(
    `every open case checked after ${runsToCoverAll} case polls (${caseCalls} calls in all)`,
  );
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`peak rss ${mb(peakRss)} MB, published ${published}`);
  await pollers.stop();
  await store.close();
  printResult({
    name: 'pollers',
    figures: {
      settlementPollSeconds: round(settlementSeconds, 2),
      settlementAllocationsPerSecond: Math.round((SETTLEMENTS * PER) / settlementSeconds),
      settlementHeapDeltaMb: settlementHeapMb,
      casePollSeconds: round(caseSeconds, 2),
      casePollCalls: caseRun.calls,
      casesPerSecond: Math.round(caseRun.calls / caseSeconds),
      caseRunsToCoverAll: runsToCoverAll,
      peakRssMb: mb(peakRss),
    },
    targets: {
      coverage: {
        description: `every open case checked within 10 case polls (${CASES} open, budget ${BUDGET})`,
        figure: 'caseRunsToCoverAll',
        met: runsToCoverAll <= 10,
      },
      budget: {
        description: `a case poll makes at most ${BUDGET} calls`,
        figure: 'casePollCalls',
        met: caseRun.calls <= BUDGET,
      },
    },
    notes: [
      'agency faked in memory; SQLite file store with durable commits (WAL synced before each write resolves)',
    ],
  });
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
