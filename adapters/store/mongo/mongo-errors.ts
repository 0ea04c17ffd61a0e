/**
 * MongoDB error helpers: the duplicate-key check (lease race) and the wrapping of outages into
 * TransportError (transient: the caller retries, the message is never failed). Other errors pass
 * through unchanged. Messages never echo the connection URL (it can hold a password).
 */
import { TransportError } from '../../../connector/errors.ts';

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}

const transientNames = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoWriteConcernError',
]);

export function isTransientMongoError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (transientNames.has(err.name)) return true;
  const labels = (err as { errorLabels?: unknown }).errorLabels;
  const hasLabel = (label: string): boolean =>
    Array.isArray(labels)
      ? labels.includes(label)
      : (err as { hasErrorLabel?: (l: string) => boolean }).hasErrorLabel?.(label) === true;
  return (
    hasLabel('TransientTransactionError') ||
    hasLabel('RetryableWriteError') ||
    hasLabel('UnknownTransactionCommitResult')
  );
}

export function wrapMongoError(err: unknown, operation: string): Error {
  if (!isTransientMongoError(err)) return err instanceof Error ? err : new Error(String(err));
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`store (mongodb) ${operation} failed: ${message}`, { cause: err });
}
