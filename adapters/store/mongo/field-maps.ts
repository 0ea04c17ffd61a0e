/** The field map of every record type stored in MongoDB (see fields.ts). */
import type {
  AuditEntry,
  Cursor,
  DeadLetter,
  DebtCollectionTask,
  InboxEntry,
  InvoiceRecord,
  NewsItem,
  OutboxRow,
  ParkedEvent,
} from '../types.ts';
import type { FieldMap } from './fields.ts';

export const inboxFields: FieldMap<InboxEntry> = {
  source: 'string',
  messageId: 'string',
  type: 'string',
  invoiceNumber: 'string?',
  state: 'string',
  attempts: 'number',
  attemptStartedAt: 'string?',
  outcome: 'string?',
  resultIds: 'json',
  createdAt: 'string',
  updatedAt: 'string',
};

export const invoiceFields: FieldMap<InvoiceRecord> = {
  source: 'string',
  invoiceNumber: 'string',
  status: 'string',
  caseId: 'string?',
  currency: 'string?',
  grossAmount: 'string?',
  paidAmount: 'string',
  dueDate: 'string?',
  distributionStatus: 'string?',
  caseStatus: 'string?',
  caseStage: 'string?',
  balanceTotal: 'string?',
  document: 'json',
  closed: 'boolean',
  lastCheckedAt: 'string?',
  lastActivityAt: 'string?',
  createdAt: 'string',
  updatedAt: 'string',
};

export const outboxFields: FieldMap<OutboxRow> = {
  id: 'string',
  exchange: 'string',
  routingKey: 'string',
  body: 'string',
  headers: 'json',
  state: 'string',
  attempts: 'number',
  lastError: 'string?',
  createdAt: 'string',
  sentAt: 'string?',
};

export const parkedFields: FieldMap<ParkedEvent> = {
  id: 'string',
  source: 'string',
  invoiceNumber: 'string',
  messageId: 'string',
  type: 'string',
  body: 'string',
  routingKey: 'string',
  reason: 'string',
  parkedAt: 'string',
};

export const deadLetterFields: FieldMap<DeadLetter> = {
  id: 'string',
  source: 'string',
  messageId: 'string?',
  type: 'string?',
  invoiceNumber: 'string?',
  reason: 'string',
  detail: 'string',
  errorClass: 'string',
  original: 'string',
  routingKey: 'string?',
  mappedRequest: 'json',
  agencyAnswers: 'json',
  attempts: 'number',
  firstSeenAt: 'string',
  deadAt: 'string',
  status: 'string',
  resolvedBy: 'string?',
  resolvedAt: 'string?',
  resolution: 'string?',
};

export const newsFields: FieldMap<NewsItem> = {
  kind: 'string',
  key: 'string',
  body: 'json',
  receivedAt: 'string',
  publishedAt: 'string?',
};

export const cursorFields: FieldMap<Cursor> = {
  name: 'string',
  value: 'json',
  updatedAt: 'string',
};

export const taskFields: FieldMap<DebtCollectionTask> = {
  id: 'string',
  source: 'string',
  invoiceNumber: 'string',
  state: 'string',
  reason: 'string?',
  creditInvoice: 'boolean',
  daysLimit: 'number',
  dueDate: 'string?',
  requestedAt: 'string',
  sentAt: 'string?',
  lastCheckedAt: 'string?',
  result: 'json',
  transitions: 'json',
  document: 'json',
  createdAt: 'string',
  updatedAt: 'string',
};

export const auditFields: FieldMap<AuditEntry> = {
  id: 'string',
  at: 'string',
  actor: 'string',
  action: 'string',
  target: 'string',
  detail: 'string',
};
