/**
 * Turns node:sqlite errors that mean "the store is unavailable right now" into TransportError
 * (transient: the caller retries and never fails the message). Other errors (a constraint
 * violation, a closed store) pass through unchanged: they are bugs, not outages.
 */
import { TransportError } from '../../../connector/errors.ts';

/** Primary SQLite result codes that describe an outage: BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL. */
const transientCodes = new Set([5, 6, 10, 13, 14, 15]);

export function isTransientSqliteError(err: unknown): boolean {
  if (!(err instanceof Error) || !('errcode' in err)) return false;
  const code = err.errcode;
  return typeof code === 'number' && transientCodes.has(code & 0xff);
}

export function wrapSqliteError(err: unknown, operation: string): Error {
  if (!isTransientSqliteError(err)) return err instanceof Error ? err : new Error(String(err));
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`store (sqlite) ${operation} failed: ${message}`, { cause: err });
}

/** A failed sync of the WAL: the commit may not be on disk, so the caller must not rely on it. */
export function wrapSyncError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`store (sqlite) sync to disk failed: ${message}`, { cause: err });
}
