/** The column map of every table (see codec.ts). Column names match schema.ts. */
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
import { createCodec } from './codec.ts';

export const inboxCodec = createCodec<InboxEntry>('inbox', {
  source: ['source', 'text'],
  messageId: ['message_id', 'text'],
  type: ['type', 'text'],
  invoiceNumber: ['invoice_number', 'text?'],
  state: ['state', 'text'],
  attempts: ['attempts', 'int'],
  attemptStartedAt: ['attempt_started_at', 'text?'],
  outcome: ['outcome', 'text?'],
  resultIds: ['result_ids', 'json'],
  createdAt: ['created_at', 'text'],
  updatedAt: ['updated_at', 'text'],
});

export const invoiceCodec = createCodec<InvoiceRecord>('invoices', {
  source: ['source', 'text'],
  invoiceNumber: ['invoice_number', 'text'],
  status: ['status', 'text'],
  caseId: ['case_id', 'text?'],
  currency: ['currency', 'text?'],
  grossAmount: ['gross_amount', 'text?'],
  paidAmount: ['paid_amount', 'text'],
  dueDate: ['due_date', 'text?'],
  distributionStatus: ['distribution_status', 'text?'],
  caseStatus: ['case_status', 'text?'],
  caseStage: ['case_stage', 'text?'],
  balanceTotal: ['balance_total', 'text?'],
  document: ['document', 'json'],
  closed: ['closed', 'bool'],
  lastCheckedAt: ['last_checked_at', 'text?'],
  lastActivityAt: ['last_activity_at', 'text?'],
  createdAt: ['created_at', 'text'],
  updatedAt: ['updated_at', 'text'],
});

export const outboxCodec = createCodec<OutboxRow>('outbox', {
  id: ['id', 'text'],
  exchange: ['exchange', 'text'],
  routingKey: ['routing_key', 'text'],
  body: ['body', 'text'],
  headers: ['headers', 'json'],
  state: ['state', 'text'],
  attempts: ['attempts', 'int'],
  lastError: ['last_error', 'text?'],
  createdAt: ['created_at', 'text'],
  sentAt: ['sent_at', 'text?'],
});

export const parkedCodec = createCodec<ParkedEvent>('parked', {
  id: ['id', 'text'],
  source: ['source', 'text'],
  invoiceNumber: ['invoice_number', 'text'],
  messageId: ['message_id', 'text'],
  type: ['type', 'text'],
  body: ['body', 'text'],
  routingKey: ['routing_key', 'text'],
  reason: ['reason', 'text'],
  parkedAt: ['parked_at', 'text'],
});

export const deadLetterCodec = createCodec<DeadLetter>('dead_letters', {
  id: ['id', 'text'],
  source: ['source', 'text'],
  messageId: ['message_id', 'text?'],
  type: ['type', 'text?'],
  invoiceNumber: ['invoice_number', 'text?'],
  reason: ['reason', 'text'],
  detail: ['detail', 'text'],
  errorClass: ['error_class', 'text'],
  original: ['original', 'text'],
  routingKey: ['routing_key', 'text?'],
  mappedRequest: ['mapped_request', 'json'],
  agencyAnswers: ['agency_answers', 'json'],
  attempts: ['attempts', 'int'],
  firstSeenAt: ['first_seen_at', 'text'],
  deadAt: ['dead_at', 'text'],
  status: ['status', 'text'],
  resolvedBy: ['resolved_by', 'text?'],
  resolvedAt: ['resolved_at', 'text?'],
  resolution: ['resolution', 'text?'],
});

export const newsCodec = createCodec<NewsItem>('news', {
  kind: ['kind', 'text'],
  key: ['key', 'text'],
  body: ['body', 'json'],
  receivedAt: ['received_at', 'text'],
  publishedAt: ['published_at', 'text?'],
});

export const cursorCodec = createCodec<Cursor>('cursors', {
  name: ['name', 'text'],
  value: ['value', 'json'],
  updatedAt: ['updated_at', 'text'],
});

export const taskCodec = createCodec<DebtCollectionTask>('tasks', {
  id: ['id', 'text'],
  source: ['source', 'text'],
  invoiceNumber: ['invoice_number', 'text'],
  state: ['state', 'text'],
  reason: ['reason', 'text?'],
  creditInvoice: ['credit_invoice', 'bool'],
  daysLimit: ['days_limit', 'int'],
  dueDate: ['due_date', 'text?'],
  requestedAt: ['requested_at', 'text'],
  sentAt: ['sent_at', 'text?'],
  lastCheckedAt: ['last_checked_at', 'text?'],
  result: ['result', 'json'],
  transitions: ['transitions', 'json'],
  document: ['document', 'json'],
  createdAt: ['created_at', 'text'],
  updatedAt: ['updated_at', 'text'],
});

export const auditCodec = createCodec<AuditEntry>('audit', {
  id: ['id', 'text'],
  at: ['at', 'text'],
  actor: ['actor', 'text'],
  action: ['action', 'text'],
  target: ['target', 'text'],
  detail: ['detail', 'text'],
});
