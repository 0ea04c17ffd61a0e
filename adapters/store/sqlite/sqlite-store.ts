/**
 * The SQLite backend (node:sqlite, synchronous). Each write runs in its own
 * `BEGIN IMMEDIATE … COMMIT`: the write lock is taken up front, so a writer waits `busyTimeoutMs`
 * for another process instead of failing half-way with SQLITE_BUSY. A write's promise resolves
 * only once the WAL holding it is on disk (wal-sync.ts: the fsync runs off the event loop and is
 * shared by the commits that arrive meanwhile). Reads see the last commit of every process
 * sharing the file (WAL). See open-database.ts for the pragmas, queries.ts for the SQL of each
 * read and the order it returns.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { silentStoreLogger, type StoreLogger } from '../options.ts';
import { chunk } from '../paging.ts';
import type { Store, StoreChanges, StoreCounts, TaskState } from '../types.ts';
import { createGroupCommit } from './group-commit.ts';
import { applyChanges } from './apply-changes.ts';
import type { Codec, Row } from './codec.ts';
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
import { openDatabase } from './open-database.ts';
import { createWalSync, noWalSync, type SyncFile } from './wal-sync.ts';
import {
  auditQuery,
  byKey,
  invoiceCountQuery,
  countQueries,
  deadLetterQuery,
  inboxQuery,
  invoiceQuery,
  outboxByIdsQuery,
  parkedForQuery,
  parkedQuery,
  pendingOutboxQuery,
  taskQuery,
  unpublishedNewsQuery,
  type Query,
} from './queries.ts';
import { wrapSqliteError, wrapSyncError } from './sqlite-errors.ts';
import { createStatementCache, placeholders } from './statement-cache.ts';

export interface SqliteStoreOptions {
  /** File path (created when missing) or `:memory:` (private to this store, for tests). */
  path: string;
  /** How long a write waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  logger?: StoreLogger;
  /** Clock for lease expiry, ms since the epoch (tests inject one). */
  now?: () => number;
  /** How the WAL is flushed to disk; `fs.fdatasync` unless a test controls it. */
  syncFile?: SyncFile;
}

const taskStates: readonly TaskState[] = [
  'PENDING_APPROVAL',
  'APPROVED',
  'SENT',
  'COLLECTED',
  'CANCELLED',
];

export function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const {
    path,
    busyTimeoutMs = 5_000,
    logger = silentStoreLogger,
    now = Date.now,
    syncFile,
  } = options;
  let db: DatabaseSync;
  try {
    db = openDatabase({ path, busyTimeoutMs, logger });
  } catch (err) {
    return Promise.reject(wrapSqliteError(err, 'open'));
  }
  logger.info({ store: 'sqlite', file: path }, 'store opened');
  const prepare = createStatementCache(db);
  const walSync = path === ':memory:' ? noWalSync : createWalSync(path, syncFile);

  /** Resolves with `value` once everything committed so far is on disk. */
  function durable<T>(value: T): Promise<T> {
    return walSync.afterSync().then(
      () => value,
      (err: unknown) => Promise.reject(wrapSyncError(err)),
    );
  }

  /** Runs `fn`, turning a throw into a rejection and an outage error into TransportError. */
  function guard<T>(operation: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(wrapSqliteError(err, operation));
    }
  }

  function write<T>(operation: string, fn: () => T): Promise<T> {
    return transaction(operation, fn).then(durable);
  }

  function transaction<T>(operation: string, fn: () => T): Promise<T> {
    return guard(operation, () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  function read<T>(operation: string, codec: Codec<T>, query: () => Query): Promise<T[]> {
    return guard(operation, () => {
      const { sql, params } = query();
      return (prepare(sql).all(...params) as Row[]).map((row) => codec.decode(row));
    });
  }

  async function one<T>(operation: string, codec: Codec<T>, query: () => Query): Promise<T | null> {
    return (await read(operation, codec, query))[0] ?? null;
  }

  function count(sql: string): number {
    return Number((prepare(sql).get() as { n: number } | undefined)?.n ?? 0);
  }

  function updateByIds(sql: (list: string) => string, ids: string[], ...params: SQLInputValue[]) {
    for (const slice of chunk(ids))
      prepare(sql(placeholders(slice.length))).run(...params, ...slice);
  }

  const groupCommit = createGroupCommit<StoreChanges>((list) => {
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const changes of list) applyChanges(prepare, changes);
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw wrapSqliteError(err, 'commit');
    }
  });

  return Promise.resolve({
    kind: 'sqlite',

    commit: (changes) => groupCommit(changes).then(durable),

    getInbox: (source, messageId) =>
      one('getInbox', inboxCodec, () => byKey.inbox(source, messageId)),
    listInbox: (filter) => read('listInbox', inboxCodec, () => inboxQuery(filter)),

    getInvoice: (source, invoiceNumber) =>
      one('getInvoice', invoiceCodec, () => byKey.invoice(source, invoiceNumber)),
    getInvoiceByCaseId: (caseId) =>
      one('getInvoiceByCaseId', invoiceCodec, () => byKey.invoiceByCaseId(caseId)),
    listInvoices: (filter) => read('listInvoices', invoiceCodec, () => invoiceQuery(filter)),
    countInvoices: (filter) =>
      guard('countInvoices', () => {
        const q = invoiceCountQuery(filter);
        return Number((prepare(q.sql).get(...q.params) as { n: number } | undefined)?.n ?? 0);
      }),

    getOutbox: async (ids) => {
      const rows = [];
      for (const slice of chunk(ids)) {
        rows.push(...(await read('getOutbox', outboxCodec, () => outboxByIdsQuery(slice))));
      }
      return rows;
    },
    pendingOutbox: (limit) => read('pendingOutbox', outboxCodec, () => pendingOutboxQuery(limit)),
    markOutboxSent: (ids, at) =>
      write('markOutboxSent', () =>
        updateByIds(
          (list) =>
            `UPDATE outbox SET state = 'SENT', sent_at = ? WHERE state = 'PENDING' AND id IN (${list})`,
          ids,
          at,
        ),
      ),
    markOutboxFailed: (id, error) =>
      write('markOutboxFailed', () => {
        prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(
          error,
          id,
        );
      }),
    requeueOutbox: (ids) =>
      write('requeueOutbox', () =>
        updateByIds(
          (list) =>
            `UPDATE outbox SET state = 'PENDING', sent_at = NULL WHERE state = 'SENT' AND id IN (${list})`,
          ids,
        ),
      ),

    parkedFor: (source, invoiceNumber) =>
      read('parkedFor', parkedCodec, () => parkedForQuery(source, invoiceNumber)),
    listParked: (filter) => read('listParked', parkedCodec, () => parkedQuery(filter)),

    getDeadLetter: (id) => one('getDeadLetter', deadLetterCodec, () => byKey.deadLetter(id)),
    listDeadLetters: (filter) =>
      read('listDeadLetters', deadLetterCodec, () => deadLetterQuery(filter)),

    getNews: (kind, key) => one('getNews', newsCodec, () => byKey.news(kind, key)),
    unpublishedNews: (kind, limit) =>
      read('unpublishedNews', newsCodec, () => unpublishedNewsQuery(kind, limit)),

    getCursor: (name) => one('getCursor', cursorCodec, () => byKey.cursor(name)),

    getTask: (id) => one('getTask', taskCodec, () => byKey.task(id)),
    getTaskByInvoice: (source, invoiceNumber) =>
      one('getTaskByInvoice', taskCodec, () => byKey.taskByInvoice(source, invoiceNumber)),
    listTasks: (filter) => read('listTasks', taskCodec, () => taskQuery(filter)),

    listAudit: (filter) => read('listAudit', auditCodec, () => auditQuery(filter)),

    acquireLease: (name, owner, ttlMs) =>
      write('acquireLease', () => {
        const at = now();
        // Insert when free; take over when expired or already ours (renew); else change nothing.
        const result = prepare(
          `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE leases.expires_at <= ? OR leases.owner = excluded.owner`,
        ).run(name, owner, at + Math.max(0, Math.trunc(ttlMs)), at);
        return Number(result.changes) > 0;
      }),
    releaseLease: (name, owner) =>
      write('releaseLease', () => {
        prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
      }),

    counts: () =>
      guard('counts', (): StoreCounts => {
        const tasksByState = Object.fromEntries(taskStates.map((s) => [s, 0])) as Record<
          TaskState,
          number
        >;
        const rows = prepare(countQueries.tasksByState).all() as { state: TaskState; n: number }[];
        for (const row of rows) tasksByState[row.state] = Number(row.n);
        return {
          outboxPending: count(countQueries.outboxPending),
          parked: count(countQueries.parked),
          deadLettersOpen: count(countQueries.deadLettersOpen),
          manualReview: count(countQueries.manualReview),
          tasksByState,
        };
      }),

    ping: () =>
      guard('ping', () => {
        prepare('SELECT 1').get();
      }),

    close: async () => {
      await walSync.close();
      await guard('close', () => {
        if (!db.isOpen) return;
        db.close();
        logger.info({ store: 'sqlite' }, 'store closed');
      });
    },
  } satisfies Store);
}
