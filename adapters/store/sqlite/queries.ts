/**
 * Every read of the SQLite backend, built as SQL text plus parameters (pure, so a test can check
 * with EXPLAIN QUERY PLAN that each one runs on an index). Orders, which both backends follow:
 * - listInbox: createdAt, then insertion order.
 * - listInvoices: lastCheckedAt ascending with never-checked (null) first, then source, invoiceNumber.
 * - listDeadLetters: newest deadAt first, then id descending; `from` inclusive, `to` exclusive.
 * - listTasks: createdAt, then insertion order.
 * - listParked: parkedAt, then arrival order. parkedFor: arrival order.
 * - pendingOutbox, getOutbox: insertion order. unpublishedNews: receivedAt, then insertion order.
 * - listAudit: newest `at` first, then latest inserted. getTaskByInvoice: the newest task.
 */
import type { SQLInputValue } from 'node:sqlite';
import { checkLimit, checkOffset } from '../paging.ts';
import type { DeadLetterFilter, InboxState, InvoiceFilter, TaskFilter } from '../types.ts';
import { selectSql } from './codec.ts';
import {
  auditCodec,
  cursorCodec,
  deadLetterCodec,
  inboxCodec,
  invoiceCodec,
  newsCodec,
  outboxCodec,
  parkedCodec,
  taskCodec,
} from './codecs.ts';
import { placeholders } from './statement-cache.ts';

export interface Query {
  sql: string;
  params: SQLInputValue[];
}

class QueryBuilder {
  readonly #where: string[] = [];
  readonly #params: SQLInputValue[] = [];

  when(condition: boolean, clause: string, ...params: SQLInputValue[]): this {
    if (condition) {
      this.#where.push(clause);
      this.#params.push(...params);
    }
    return this;
  }

  count(table: string): Query {
    const where = this.#where.length > 0 ? ` WHERE ${this.#where.join(' AND ')}` : '';
    return { sql: `SELECT count(*) AS n FROM ${table}${where}`, params: [...this.#params] };
  }

  build(select: string, orderBy: string, limit?: number, offset = 0): Query {
    const where = this.#where.length > 0 ? ` WHERE ${this.#where.join(' AND ')}` : '';
    const page = offset > 0 ? ' LIMIT ? OFFSET ?' : ' LIMIT ?';
    const params = [...this.#params, limit ?? -1, ...(offset > 0 ? [offset] : [])];
    return { sql: `${select}${where} ORDER BY ${orderBy}${page}`, params };
  }
}

export function inboxQuery(filter: { state?: InboxState; limit?: number }): Query {
  return new QueryBuilder()
    .when(filter.state !== undefined, 'state = ?', filter.state ?? null)
    .build(selectSql(inboxCodec), 'created_at, rowid', checkLimit(filter.limit));
}

function invoiceWhere(filter: InvoiceFilter): QueryBuilder {
  return new QueryBuilder()
    .when(filter.source !== undefined, 'source = ?', filter.source ?? null)
    .when(filter.openCasesOnly === true, 'case_id IS NOT NULL AND closed = 0')
    .when(filter.withoutCaseOnly === true, 'case_id IS NULL')
    .when(filter.dueBefore !== undefined, 'due_date < ?', filter.dueBefore ?? null)
    .when(
      filter.activitySinceCheckOnly === true,
      '(last_checked_at IS NULL OR last_activity_at > last_checked_at)',
    );
}

/** `countInvoices`: the same filter as listInvoices, counted. */
export function invoiceCountQuery(filter: InvoiceFilter): Query {
  return invoiceWhere(filter).count('invoices');
}

export function invoiceQuery(filter: InvoiceFilter): Query {
  return invoiceWhere(filter).build(
    selectSql(invoiceCodec),
    'last_checked_at, source, invoice_number',
    checkLimit(filter.limit),
  );
}

export function deadLetterQuery(filter: DeadLetterFilter): Query {
  return new QueryBuilder()
    .when(filter.status !== undefined, 'status = ?', filter.status ?? null)
    .when(filter.source !== undefined, 'source = ?', filter.source ?? null)
    .when(filter.type !== undefined, 'type = ?', filter.type ?? null)
    .when(filter.reason !== undefined, 'reason = ?', filter.reason ?? null)
    .when(filter.from !== undefined, 'dead_at >= ?', filter.from ?? null)
    .when(filter.to !== undefined, 'dead_at < ?', filter.to ?? null)
    .build(
      selectSql(deadLetterCodec),
      'dead_at DESC, id DESC',
      checkLimit(filter.limit),
      checkOffset(filter.offset),
    );
}

export function taskQuery(filter: TaskFilter): Query {
  return new QueryBuilder()
    .when(filter.source !== undefined, 'source = ?', filter.source ?? null)
    .when(filter.state !== undefined, 'state = ?', filter.state ?? null)
    .build(selectSql(taskCodec), 'created_at, rowid', checkLimit(filter.limit));
}

export function parkedQuery(filter: { parkedBefore?: string; limit?: number }): Query {
  return new QueryBuilder()
    .when(filter.parkedBefore !== undefined, 'parked_at < ?', filter.parkedBefore ?? null)
    .build(selectSql(parkedCodec), 'parked_at, seq', checkLimit(filter.limit));
}

function select(
  codec: Parameters<typeof selectSql>[0],
  rest: string,
  ...params: SQLInputValue[]
): Query {
  return { sql: `${selectSql(codec)} ${rest}`, params };
}

export const byKey = {
  inbox: (source: string, messageId: string) =>
    select(inboxCodec, 'WHERE source = ? AND message_id = ?', source, messageId),
  invoice: (source: string, invoiceNumber: string) =>
    select(invoiceCodec, 'WHERE source = ? AND invoice_number = ?', source, invoiceNumber),
  invoiceByCaseId: (caseId: string) =>
    select(invoiceCodec, 'WHERE case_id = ? ORDER BY source, invoice_number LIMIT 1', caseId),
  deadLetter: (id: string) => select(deadLetterCodec, 'WHERE id = ?', id),
  news: (kind: string, key: string) => select(newsCodec, 'WHERE kind = ? AND key = ?', kind, key),
  cursor: (name: string) => select(cursorCodec, 'WHERE name = ?', name),
  task: (id: string) => select(taskCodec, 'WHERE id = ?', id),
  taskByInvoice: (source: string, invoiceNumber: string) =>
    select(
      taskCodec,
      'WHERE source = ? AND invoice_number = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      source,
      invoiceNumber,
    ),
};

export function outboxByIdsQuery(ids: string[]): Query {
  return select(outboxCodec, `WHERE id IN (${placeholders(ids.length)}) ORDER BY seq`, ...ids);
}

export function pendingOutboxQuery(limit: number): Query {
  return select(
    outboxCodec,
    `WHERE state = 'PENDING' ORDER BY seq LIMIT ?`,
    checkLimit(limit) ?? -1,
  );
}

export function parkedForQuery(source: string, invoiceNumber: string): Query {
  return select(
    parkedCodec,
    'WHERE source = ? AND invoice_number = ? ORDER BY seq',
    source,
    invoiceNumber,
  );
}

export function unpublishedNewsQuery(kind: string, limit: number): Query {
  return select(
    newsCodec,
    'WHERE kind = ? AND published_at IS NULL ORDER BY received_at, rowid LIMIT ?',
    kind,
    checkLimit(limit) ?? -1,
  );
}

export function auditQuery(filter: { limit?: number }): Query {
  return select(auditCodec, 'ORDER BY at DESC, seq DESC LIMIT ?', checkLimit(filter.limit) ?? -1);
}

/** The counts of `counts()`, one query each. */
export const countQueries = {
  outboxPending: `SELECT count(*) AS n FROM outbox WHERE state = 'PENDING'`,
  parked: 'SELECT count(*) AS n FROM parked',
  deadLettersOpen: `SELECT count(*) AS n FROM dead_letters WHERE status = 'OPEN'`,
  manualReview: `SELECT count(*) AS n FROM inbox WHERE state = 'MANUAL_REVIEW'`,
  tasksByState: 'SELECT state, count(*) AS n FROM tasks GROUP BY state',
} as const;
