/** SQLite backend details the contract cannot see: pragmas, migrations, index use, lock waits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../connector/errors.ts';
import { silentStoreLogger } from '../../../adapters/store/options.ts';
import { createCodec, insertSql } from '../../../adapters/store/sqlite/codec.ts';
import { openDatabase } from '../../../adapters/store/sqlite/open-database.ts';
import * as q from '../../../adapters/store/sqlite/queries.ts';
import { migrations } from '../../../adapters/store/sqlite/schema.ts';
import { isTransientSqliteError } from '../../../adapters/store/sqlite/sqlite-errors.ts';
import { createSqliteStore } from '../../../adapters/store/sqlite/sqlite-store.ts';
import { inboxEntry, outboxRow } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-backend-'));
let n = 0;
const freshFile = (): string => join(dir, `b${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = (path: string, busyTimeoutMs = 1_000) =>
  openDatabase({ path, busyTimeoutMs, logger: silentStoreLogger });

describe('openDatabase', () => {
  it('sets WAL, synchronous=NORMAL (the store syncs the WAL itself), the busy timeout and foreign keys', () => {
    const db = open(freshFile(), 1_234);
    const pragma = (name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1); // NORMAL + wal-sync.ts
    expect(pragma('busy_timeout')).toBe(1_234);
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('user_version')).toBe(migrations.length);
    db.close();
  });

  it('migrates once: reopening a file keeps its data', async () => {
    const file = freshFile();
    const first = await createSqliteStore({ path: file });
    await first.commit({ inbox: [inboxEntry()] });
    await first.close();
    const second = await createSqliteStore({ path: file });
    expect(await second.getInbox('erp-a', 'msg-1')).toEqual(inboxEntry());
    await second.close();
  });

  it('refuses a file whose schema is newer than this code', async () => {
    const file = freshFile();
    open(file).close();
    const raw = new DatabaseSync(file);
    raw.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    raw.close();
    await expect(createSqliteStore({ path: file })).rejects.toThrow(/newer than this connector/);
  });
});

describe('index use', () => {
  const db = open(':memory:');
  const reads: Record<string, q.Query> = {
    'listInbox state': q.inboxQuery({ state: 'UNKNOWN', limit: 5 }),
    'listInbox all': q.inboxQuery({}),
    'listInvoices open cases': q.invoiceQuery({ openCasesOnly: true, limit: 10 }),
    'listInvoices open cases of a source': q.invoiceQuery({ openCasesOnly: true, source: 's' }),
    'listInvoices without case': q.invoiceQuery({ withoutCaseOnly: true }),
    'listInvoices source': q.invoiceQuery({ source: 's' }),
    'listInvoices all': q.invoiceQuery({}),
    'listDeadLetters all': q.deadLetterQuery({ limit: 50, offset: 50 }),
    'listDeadLetters status': q.deadLetterQuery({ status: 'OPEN' }),
    'listDeadLetters source': q.deadLetterQuery({ source: 's' }),
    'listDeadLetters type': q.deadLetterQuery({ type: 't' }),
    'listDeadLetters reason': q.deadLetterQuery({ reason: 'r' }),
    'listDeadLetters range': q.deadLetterQuery({ from: 'a', to: 'b' }),
    'listTasks state': q.taskQuery({ state: 'SENT' }),
    'listTasks source': q.taskQuery({ source: 's' }),
    'listTasks all': q.taskQuery({}),
    'listParked before': q.parkedQuery({ parkedBefore: 'x' }),
    'listParked all': q.parkedQuery({}),
    parkedFor: q.parkedForQuery('s', 'i'),
    pendingOutbox: q.pendingOutboxQuery(10),
    unpublishedNews: q.unpublishedNewsQuery('settlement', 10),
    listAudit: q.auditQuery({ limit: 10 }),
    getInbox: q.byKey.inbox('s', 'm'),
    getInvoice: q.byKey.invoice('s', 'i'),
    getDeadLetter: q.byKey.deadLetter('d'),
    getNews: q.byKey.news('k', 'k'),
    getCursor: q.byKey.cursor('c'),
    getTask: q.byKey.task('t'),
    getTaskByInvoice: q.byKey.taskByInvoice('s', 'i'),
    ...Object.fromEntries(
      Object.entries(q.countQueries).map(([name, sql]) => [`counts ${name}`, { sql, params: [] }]),
    ),
  };
  // Lookups by a (nearly) unique key may sort their few rows.
  const lookups: Record<string, q.Query> = {
    getOutbox: q.outboxByIdsQuery(['a', 'b']),
    getInvoiceByCaseId: q.byKey.invoiceByCaseId('c'),
  };
  const plan = (query: q.Query): string[] =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .all(...query.params)
      .map((row) => String(row.detail));
  for (const [name, query] of Object.entries(reads)) {
    it(`${name} reads through an index, without a sort step`, () => {
      for (const step of plan(query)) {
        expect(step).not.toMatch(/^SCAN \w+$/);
        expect(step).not.toMatch(/TEMP B-TREE/);
      }
    });
  }
  for (const [name, query] of Object.entries(lookups)) {
    it(`${name} reads through an index`, () => {
      expect(plan(query).some((step) => /^SEARCH \w+ USING (COVERING )?INDEX/.test(step))).toBe(
        true,
      );
    });
  }
});

describe('lock waits', () => {
  it('fails a write with TransportError after the busy timeout, then works once the lock is free', async () => {
    const file = freshFile();
    const store = await createSqliteStore({ path: file, busyTimeoutMs: 50 });
    const other = new DatabaseSync(file, { timeout: 1_000 });
    other.exec('BEGIN IMMEDIATE');
    const blocked = store.commit({ outbox: [outboxRow()] });
    await expect(blocked).rejects.toBeInstanceOf(TransportError);
    await expect(blocked).rejects.toThrow(/database is locked/);
    // Reads are not blocked by a writer (WAL).
    expect(await store.pendingOutbox(10)).toEqual([]);
    other.exec('ROLLBACK');
    other.close();
    await store.commit({ outbox: [outboxRow()] });
    expect((await store.pendingOutbox(10)).length).toBe(1);
    await store.close();
  });

  it('classifies only outage codes as transient', () => {
    const sqliteError = (errcode: number) => Object.assign(new Error('x'), { errcode });
    expect(isTransientSqliteError(sqliteError(5))).toBe(true); // BUSY
    expect(isTransientSqliteError(sqliteError(517))).toBe(true); // BUSY_SNAPSHOT
    expect(isTransientSqliteError(sqliteError(2067))).toBe(false); // CONSTRAINT_UNIQUE
    expect(isTransientSqliteError(new Error('plain'))).toBe(false);
  });
});

describe('codec', () => {
  const codec = createCodec<{ a: string; b: string | null; c: number; d: boolean; e: unknown }>(
    't',
    {
      a: ['col_a', 'text'],
      b: ['col_b', 'text?'],
      c: ['col_c', 'int'],
      d: ['col_d', 'bool'],
      e: ['col_e', 'json'],
    },
  );

  it('encodes and decodes every column kind', () => {
    const value = { a: 'x', b: null, c: 3, d: true, e: { deep: [1, null] } };
    const encoded = codec.encode(value);
    expect(encoded).toEqual(['x', null, 3, 1, '{"deep":[1,null]}']);
    const row = Object.fromEntries(codec.columns.map((c, i) => [c, encoded[i] ?? null]));
    expect(codec.decode(row as never)).toEqual(value);
  });

  it('refuses a value of the wrong type instead of storing it', () => {
    expect(() => codec.encode({ a: null as never, b: null, c: 1, d: false, e: null })).toThrow(
      /col|a/,
    );
    expect(() => codec.encode({ a: 'x', b: null, c: 1.5, d: false, e: null })).toThrow(TypeError);
  });

  it('builds the three insert forms', () => {
    expect(insertSql(codec, { mode: 'fail' })).toBe(
      'INSERT INTO t (col_a, col_b, col_c, col_d, col_e) VALUES (?, ?, ?, ?, ?)',
    );
    expect(insertSql(codec, { mode: 'ignore', keys: ['col_a'] })).toMatch(
      /ON CONFLICT \(col_a\) DO NOTHING$/,
    );
    expect(insertSql(codec, { mode: 'replace', keys: ['col_a'] })).toMatch(
      /ON CONFLICT \(col_a\) DO UPDATE SET col_b = excluded.col_b, col_c = excluded.col_c, col_d = excluded.col_d, col_e = excluded.col_e$/,
    );
  });
});
