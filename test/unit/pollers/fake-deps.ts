/** Pollers on a fake agency and an in-memory SQLite store, for settlement, budget and lease tests. */
import type {
  CaseDetails,
  PaymentRecord,
  Settlement,
  SettlementsQuery,
} from '../../../adapters/agency/index.ts';
import { createStore, type Store } from '../../../adapters/store/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { createLogger } from '../../../connector/logger.ts';
import { agencyRequestValidators } from '../../../connector/mapping/agency-validators.ts';
import { createMappingPort } from '../../../connector/mapping/mapping-port.ts';
import { createOutboxRelay } from '../../../connector/pipeline/outbox-relay.ts';
import { createPollers, type PollAgency } from '../../../connector/pollers/index.ts';
import { TEST_SELLER } from '../../helpers/test-config.ts';

export const TODAY = new Date('2026-12-10T08:00:00Z');

/** The agency's settlement semantics: a read marks what it returned fetched. */
export function fakeSettlements(all: Settlement[]) {
  const fetched = new Set<string>();
  return {
    all,
    fetched,
    read(q: SettlementsQuery): Settlement[] {
      const out = all.filter((s) =>
        q.unfetchedOnly
          ? !fetched.has(s.settlementId)
          : (!q.fromDate || s.settlementDate >= q.fromDate) &&
            (!q.toDate || s.settlementDate <= q.toDate),
      );
      for (const s of out) fetched.add(s.settlementId);
      return structuredClone(out);
    },
  };
}

export function settlement(
  id: string,
  allocations: [string, string, string, string, string][],
): Settlement {
  const total = allocations.reduce((sum, a) => sum + Math.round(Number(a[1]) * 100), 0);
  return {
    settlementId: id,
    settlementDate: '2026-12-08',
    agency: 'CASH-IN',
    remittanceReference: '8090801781763',
    settlementAmount: (total / 100).toFixed(2),
    currency: 'EUR',
    apiFetchDate: null,
    allocations: allocations.map(([invoiceNumber, amount, capital, interest, fees], i) => ({
      allocationId: `${id}-${i}`,
      allocatedTotalAmount: amount,
      allocationDate: '2026-12-08',
      currency: 'EUR',
      caseId: null,
      originalInvoiceNumber: invoiceNumber,
      originalPaymentReference: null,
      breakdown: [
        { type: 'CAPITAL', amount: capital },
        { type: 'INTEREST', amount: interest },
        { type: 'FEES', amount: fees },
      ],
    })),
  };
}

export interface FakeAgency extends PollAgency {
  calls: Record<string, number>;
}

export function fakeAgency(parts: {
  settlements?: (q: SettlementsQuery) => Settlement[];
  payments?: () => PaymentRecord[];
  getCase?: (caseId: string) => CaseDetails;
}): FakeAgency {
  const calls: Record<string, number> = {};
  const count = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
  return {
    calls,
    getDistribution: () => {
      count('distribution');
      return Promise.resolve({
        metaData: { totalCount: 0, successfulCount: 0, failedCount: 0 },
        distributions: [],
      });
    },
    getCase: (q) => {
      count('case');
      return Promise.resolve(parts.getCase?.('caseId' in q ? q.caseId : '') as CaseDetails);
    },
    getPayments: () => {
      count('payments');
      return Promise.resolve(parts.payments?.() ?? []);
    },
    getSettlements: (q) => {
      count('settlements');
      return Promise.resolve(parts.settlements?.(q) ?? []);
    },
  };
}

export async function fakePollers(
  agency: PollAgency,
  options: { store?: Store; pollers?: Record<string, unknown>; instanceId?: string } = {},
) {
  const store = options.store ?? (await createStore('sqlite::memory:'));
  const config = parseConfig(
    { pollers: options.pollers ?? {}, sources: { acme: { seller: TEST_SELLER } } },
    { env: {} },
  );
  const published: { exchange: string; routingKey: string; body: string }[] = [];
  const logger = createLogger({ level: 'silent', pretty: 'never' });
  const relay = createOutboxRelay({
    store,
    logger,
    publisher: {
      publish(exchange, routingKey, body) {
        published.push({ exchange, routingKey, body });
        return Promise.resolve();
      },
      sendToQueue(queue, body) {
        published.push({ exchange: '', routingKey: queue, body });
        return Promise.resolve();
      },
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
    now: () => TODAY,
    instanceId: options.instanceId ?? 'one',
  });
  const events = (type?: string) =>
    published
      .filter((p) => p.exchange === config.broker.outboundExchange)
      .map((p) => JSON.parse(p.body) as { id: string; type: string; data: Record<string, unknown> })
      .filter((e) => !type || e.type === type);
  return { store, config, published, pollers, events, relay };
}
