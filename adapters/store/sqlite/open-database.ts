/**
 * Opens the SQLite file with the pragmas the store relies on, then brings the schema up to date.
 *
 * - `busy_timeout`: several processes may share one file; a writer waits for the lock (blocking
 *   its event loop up to this long) instead of failing at once with SQLITE_BUSY.
 * - `journal_mode = WAL`: readers never block the writer and the writer never blocks readers.
 * - `synchronous = NORMAL` for files, with our own WAL sync (wal-sync.ts) before any write's
 *   promise resolves: the same guarantee as FULL (a resolved commit survives a power cut; a lost
 *   inbox row would mean a re-sent agency call, RELIABILITY.md §3.2) without blocking the event
 *   loop on the disk. `:memory:` stores (tests) keep FULL; they have no disk to wait for.
 * - `foreign_keys = ON`: enforced should a later migration declare any.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { StoreLogger } from '../options.ts';
import { migrations } from './schema.ts';

export interface OpenDatabaseOptions {
  /** A file path, or `:memory:`. The parent directory is created when missing. */
  path: string;
  busyTimeoutMs: number;
  logger: StoreLogger;
}

export function openDatabase(options: OpenDatabaseOptions): DatabaseSync {
  const { path, busyTimeoutMs, logger } = options;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
    if (path !== ':memory:' && mode !== 'wal') {
      throw new Error(
        `store: could not switch the SQLite file to WAL mode (journal_mode=${String(mode)})`,
      );
    }
    db.exec(`PRAGMA synchronous = ${path === ':memory:' ? 'FULL' : 'NORMAL'}`);
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, logger);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Applies the missing migrations under the write lock, so two processes starting together agree. */
function migrate(db: DatabaseSync, logger: StoreLogger): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    if (version > migrations.length) {
      throw new Error(
        `store: the SQLite file has schema version ${version}, newer than this connector knows (${migrations.length})`,
      );
    }
    for (let i = version; i < migrations.length; i++) {
      db.exec(migrations[i] ?? '');
      logger.debug({ schemaVersion: i + 1 }, 'store: sqlite migration applied');
    }
    db.exec(`PRAGMA user_version = ${migrations.length}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
