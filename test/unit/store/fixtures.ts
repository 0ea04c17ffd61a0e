/** Record builders for the store contract tests: a complete, valid record plus overrides. */
import type {
  AuditEntry,
  DeadLetter,
  DebtCollectionTask,
  InboxEntry,
  InvoiceRecord,
  NewsItem,
  OutboxRow,
  ParkedEvent,
  Store,
} from '../../../adapters/store/types.ts';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');

/** An ISO timestamp `minutes` after a fixed origin. */
export function at(minutes: number): string {
  return new Date(t0 + minutes * 60_000).toISOString();
}

export function inboxEntry(o: Partial<InboxEntry> = {}): InboxEntry {
  return {
    source: 'erp-a',
    messageId: 'msg-1',
    type: 'invoice.created',
    invoiceNumber: 'INV-1',
    state: 'PENDING',
    attempts: 0,
    attemptStartedAt: null,
    outcome: null,
    resultIds: [],
    createdAt: at(0),
    updatedAt: at(0),
    ...o,
  };
}

export function invoice(o: Partial<InvoiceRecord> = {}): InvoiceRecord {
  return {
    source: 'erp-a',
    invoiceNumber: 'INV-1',
    status: 'CREATED',
    caseId: null,
    currency: 'EUR',
    grossAmount: '125.50',
    paidAmount: '0.00',
    dueDate: '2026-04-01',
    distributionStatus: null,
    caseStatus: null,
    caseStage: null,
    document: { invoiceNumber: 'INV-1', buyer: { name: 'Person' } },
    balanceTotal: null,
    closed: false,
    lastCheckedAt: null,
    lastActivityAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...o,
  };
}

export function outboxRow(o: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id: 'out-1',
    exchange: 'agency.events',
    routingKey: 'erp-a.invoice.accepted',
    body: '{"specversion":"1.0"}',
    headers: { 'x-source': 'erp-a', 'x-attempt': 1 },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: at(0),
    sentAt: null,
    ...o,
  };
}

export function parkedEvent(o: Partial<ParkedEvent> = {}): ParkedEvent {
  return {
    id: 'park-1',
    source: 'erp-a',
    invoiceNumber: 'INV-1',
    messageId: 'msg-p1',
    type: 'payment.registered',
    body: '{"amount":"10.00"}',
    routingKey: 'erp-a.payment.registered',
    reason: 'invoice_unknown',
    parkedAt: at(0),
    ...o,
  };
}

export function deadLetter(o: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: 'dl-1',
    source: 'erp-a',
    messageId: 'msg-d1',
    type: 'invoice.created',
    invoiceNumber: 'INV-1',
    reason: 'invalid_message',
    detail: 'data.dueDate: required',
    errorClass: 'InvalidMessageError',
    original: '{"broken":true}',
    routingKey: 'erp-a.invoice.created',
    mappedRequest: null,
    agencyAnswers: [],
    attempts: 1,
    firstSeenAt: at(0),
    deadAt: at(0),
    status: 'OPEN',
    resolvedBy: null,
    resolvedAt: null,
    resolution: null,
    ...o,
  };
}

export function newsItem(o: Partial<NewsItem> = {}): NewsItem {
  return {
    kind: 'settlement',
    key: 'set-1',
    body: { settlementId: 'set-1', amount: '10.00', lines: [{ n: 1 }] },
    receivedAt: at(0),
    publishedAt: null,
    ...o,
  };
}

export function task(o: Partial<DebtCollectionTask> = {}): DebtCollectionTask {
  return {
    id: 'task-1',
    source: 'atomia',
    invoiceNumber: 'INV-1',
    state: 'PENDING_APPROVAL',
    reason: null,
    creditInvoice: false,
    daysLimit: 30,
    dueDate: null,
    requestedAt: at(0),
    sentAt: null,
    lastCheckedAt: null,
    result: null,
    transitions: [{ at: at(0), from: null, to: 'PENDING_APPROVAL', cause: 'requested' }],
    document: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...o,
  };
}

export function auditEntry(o: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 'audit-1',
    at: at(0),
    actor: 'operator-1',
    action: 'dead_letter.replay',
    target: 'dl-1',
    detail: 'replayed from dashboard',
    ...o,
  };
}

/** Ids of a list of records, for order assertions. */
export function ids(rows: { id: string }[]): string[] {
  return rows.map((r) => r.id);
}

/** Gives the current store to a contract part (a fresh, empty one per test). */
export type CurrentStore = () => Store;
