/**
 * The MongoDB backend (mongoose, on a dedicated connection: no global mongoose singleton).
 *
 * `commit()` runs in one multi-document transaction (`session.withTransaction`, majority +
 * journaled write concern). MongoDB runs transactions only on a replica set or a sharded cluster,
 * so a single `mongod` must run as a one-node replica set (`mongod --replSet rs0`, then
 * `rs.initiate()`); opening the store checks this and fails with a clear error otherwise, rather
 * than at the first commit. Reads and the single-document writes (mark sent, leases) run outside
 * transactions. Orders returned are those of the SQLite backend (see filters.ts, models.ts `seq`).
 */
import { mongo } from 'mongoose';
import { silentStoreLogger, type StoreLogger } from '../options.ts';
import { checkLimit, checkOffset, chunk } from '../paging.ts';
import type { OutboxRow, Store } from '../types.ts';
import { applyChanges } from './apply-changes.ts';
import * as fields from './field-maps.ts';
import {
  deadLetterQuery,
  inboxQuery,
  invoiceQuery,
  parkedQuery,
  taskQuery,
  type MongoQuery,
} from './filters.ts';
import { counts } from './counts.ts';
import { acquireLease, releaseLease } from './leases.ts';
import { wrapMongoError } from './mongo-errors.ts';
import { database, openConnection } from './open-connection.ts';
import { byKey, findMany, findOne } from './reads.ts';

export interface MongoStoreOptions {
  /** `mongodb://…` or `mongodb+srv://…`; never logged (it can hold a password). */
  url: string;
  /** Database name, overriding the one in the URL (tests use a fresh one each). */
  dbName?: string;
  logger?: StoreLogger;
  /** Clock for lease expiry, ms since the epoch. */
  now?: () => number;
  serverSelectionTimeoutMs?: number;
}

export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  const { logger = silentStoreLogger, now = Date.now, serverSelectionTimeoutMs = 10_000 } = options;
  const { connection, models } = await openConnection({
    url: options.url,
    ...(options.dbName !== undefined ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMs,
  });
  logger.info({ store: 'mongodb', db: connection.name }, 'store opened');

  let closed = false;
  const transactionOptions = { writeConcern: new mongo.WriteConcern('majority', undefined, true) };

  /** Refuses calls after close; turns an outage error into TransportError. */
  async function guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (closed) throw new Error(`store (mongodb) ${operation}: the store is closed`);
    try {
      return await fn();
    } catch (err) {
      throw wrapMongoError(err, operation);
    }
  }

  const outbox = (query: MongoQuery, limit?: number): Promise<OutboxRow[]> =>
    findMany(models.outbox, fields.outboxFields, query, limit);

  return {
    kind: 'mongodb',

    commit: (changes) =>
      guard('commit', async () => {
        const session = await connection.startSession();
        try {
          await session.withTransaction(
            () => applyChanges(models, changes, session),
            transactionOptions,
          );
        } finally {
          await session.endSession();
        }
      }),

    getInbox: (source, messageId) =>
      guard('getInbox', () =>
        findOne(models.inbox, fields.inboxFields, byKey({ source, messageId })),
      ),
    listInbox: (filter) =>
      guard('listInbox', () =>
        findMany(models.inbox, fields.inboxFields, inboxQuery(filter), checkLimit(filter.limit)),
      ),

    getInvoice: (source, invoiceNumber) =>
      guard('getInvoice', () =>
        findOne(models.invoices, fields.invoiceFields, byKey({ source, invoiceNumber })),
      ),
    getInvoiceByCaseId: (caseId) =>
      guard('getInvoiceByCaseId', () =>
        findOne(models.invoices, fields.invoiceFields, {
          filter: { caseId },
          sort: { source: 1, invoiceNumber: 1 },
        }),
      ),
    countInvoices: (filter) =>
      guard('countInvoices', () => models.invoices.countDocuments(invoiceQuery(filter).filter)),
    listInvoices: (filter) =>
      guard('listInvoices', () =>
        findMany(
          models.invoices,
          fields.invoiceFields,
          invoiceQuery(filter),
          checkLimit(filter.limit),
        ),
      ),

    getOutbox: (ids) =>
      guard('getOutbox', async () => {
        const rows: OutboxRow[] = [];
        for (const slice of chunk(ids)) {
          rows.push(...(await outbox({ filter: { id: { $in: slice } }, sort: { seq: 1 } })));
        }
        return rows;
      }),
    pendingOutbox: (limit) =>
      guard('pendingOutbox', () =>
        outbox({ filter: { state: 'PENDING' }, sort: { seq: 1 } }, checkLimit(limit)),
      ),
    markOutboxSent: (ids, at) =>
      guard('markOutboxSent', async () => {
        for (const slice of chunk(ids)) {
          await models.outbox.updateMany(
            { id: { $in: slice }, state: 'PENDING' },
            { $set: { state: 'SENT', sentAt: at } },
          );
        }
      }),
    markOutboxFailed: (id, error) =>
      guard('markOutboxFailed', async () => {
        await models.outbox.updateOne(
          { id },
          { $inc: { attempts: 1 }, $set: { lastError: error } },
        );
      }),
    requeueOutbox: (ids) =>
      guard('requeueOutbox', async () => {
        for (const slice of chunk(ids)) {
          await models.outbox.updateMany(
            { id: { $in: slice }, state: 'SENT' },
            { $set: { state: 'PENDING', sentAt: null } },
          );
        }
      }),

    parkedFor: (source, invoiceNumber) =>
      guard('parkedFor', () =>
        findMany(models.parked, fields.parkedFields, {
          filter: { source, invoiceNumber },
          sort: { seq: 1 },
        }),
      ),
    listParked: (filter) =>
      guard('listParked', () =>
        findMany(models.parked, fields.parkedFields, parkedQuery(filter), checkLimit(filter.limit)),
      ),

    getDeadLetter: (id) =>
      guard('getDeadLetter', () =>
        findOne(models.deadLetters, fields.deadLetterFields, byKey({ id })),
      ),
    listDeadLetters: (filter) =>
      guard('listDeadLetters', () =>
        findMany(
          models.deadLetters,
          fields.deadLetterFields,
          deadLetterQuery(filter),
          checkLimit(filter.limit),
          checkOffset(filter.offset),
        ),
      ),

    getNews: (kind, key) =>
      guard('getNews', () => findOne(models.news, fields.newsFields, byKey({ kind, key }))),
    unpublishedNews: (kind, limit) =>
      guard('unpublishedNews', () =>
        findMany(
          models.news,
          fields.newsFields,
          { filter: { kind, publishedAt: null }, sort: { receivedAt: 1, seq: 1 } },
          checkLimit(limit),
        ),
      ),

    getCursor: (name) =>
      guard('getCursor', () => findOne(models.cursors, fields.cursorFields, byKey({ name }))),

    getTask: (id) =>
      guard('getTask', () => findOne(models.tasks, fields.taskFields, byKey({ id }))),
    getTaskByInvoice: (source, invoiceNumber) =>
      guard('getTaskByInvoice', () =>
        findOne(models.tasks, fields.taskFields, {
          filter: { source, invoiceNumber },
          sort: { createdAt: -1, _id: -1 },
        }),
      ),
    listTasks: (filter) =>
      guard('listTasks', () =>
        findMany(models.tasks, fields.taskFields, taskQuery(filter), checkLimit(filter.limit)),
      ),

    listAudit: (filter) =>
      guard('listAudit', () =>
        findMany(
          models.audit,
          fields.auditFields,
          { filter: {}, sort: { at: -1, seq: -1 } },
          checkLimit(filter.limit),
        ),
      ),

    acquireLease: (name, owner, ttlMs) =>
      guard('acquireLease', () =>
        acquireLease(models.leases, { name, owner, ttlMs, nowMs: now() }),
      ),
    releaseLease: (name, owner) =>
      guard('releaseLease', () => releaseLease(models.leases, name, owner)),

    counts: () => guard('counts', () => counts(models)),

    ping: () =>
      guard('ping', async () => {
        await database(connection).command({ ping: 1 });
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      await connection.close();
      logger.info({ store: 'mongodb' }, 'store closed');
    },
  } satisfies Store;
}
