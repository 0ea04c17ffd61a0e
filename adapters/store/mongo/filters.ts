/**
 * MongoDB filters and sort orders for the Store's list queries (pure, unit-tested without a
 * server). The orders are those of the SQLite backend (see sqlite/queries.ts): MongoDB sorts null
 * before strings, so `lastCheckedAt: 1` puts never-checked invoices first, as SQLite does.
 */
import type { DeadLetterFilter, InboxState, InvoiceFilter, TaskFilter } from '../types.ts';

export type MongoFilter = Record<string, unknown>;
export type MongoSort = Record<string, 1 | -1>;

export interface MongoQuery {
  filter: MongoFilter;
  sort: MongoSort;
}

/** Copies the defined entries only (an `undefined` filter field means "any"). */
function defined(entries: Record<string, unknown>): MongoFilter {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

export function inboxQuery(filter: { state?: InboxState }): MongoQuery {
  return { filter: defined({ state: filter.state }), sort: { createdAt: 1, _id: 1 } };
}

export function invoiceQuery(filter: InvoiceFilter): MongoQuery {
  const conditions: MongoFilter[] = [defined({ source: filter.source })];
  if (filter.openCasesOnly === true)
    conditions.push({ caseId: { $type: 'string' }, closed: false });
  if (filter.withoutCaseOnly === true) conditions.push({ caseId: null });
  if (filter.dueBefore !== undefined) conditions.push({ dueDate: { $lt: filter.dueBefore } });
  if (filter.activitySinceCheckOnly === true) {
    conditions.push({
      $or: [{ lastCheckedAt: null }, { $expr: { $gt: ['$lastActivityAt', '$lastCheckedAt'] } }],
    });
  }
  return {
    filter: conditions.length === 1 ? (conditions[0] ?? {}) : { $and: conditions },
    sort: { lastCheckedAt: 1, source: 1, invoiceNumber: 1 },
  };
}

export function deadLetterQuery(filter: DeadLetterFilter): MongoQuery {
  const deadAt = defined({ $gte: filter.from, $lt: filter.to });
  return {
    filter: defined({
      status: filter.status,
      source: filter.source,
      type: filter.type,
      reason: filter.reason,
      deadAt: Object.keys(deadAt).length > 0 ? deadAt : undefined,
    }),
    sort: { deadAt: -1, id: -1 },
  };
}

export function taskQuery(filter: TaskFilter): MongoQuery {
  return {
    filter: defined({ source: filter.source, state: filter.state }),
    sort: { createdAt: 1, _id: 1 },
  };
}

export function parkedQuery(filter: { parkedBefore?: string }): MongoQuery {
  return {
    filter: filter.parkedBefore === undefined ? {} : { parkedAt: { $lt: filter.parkedBefore } },
    sort: { parkedAt: 1, seq: 1 },
  };
}

/**
 * The lease document can be taken when it has expired or is already `owner`'s. With `upsert`, a
 * missing document is inserted; an existing one held by someone else makes the upsert collide
 * with the unique name index (E11000), which means "not acquired".
 */
export function leaseTakeoverFilter(name: string, owner: string, now: Date): MongoFilter {
  return { name, $or: [{ expiresAt: { $lte: now } }, { owner }] };
}
