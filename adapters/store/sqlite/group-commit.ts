/**
 * Group commit: the commits asked for during one turn of the event loop are written in ONE
 * transaction (one fsync with synchronous=FULL) instead of one each. Every caller's promise
 * resolves only after that transaction committed, so "resolved = durable" still holds. If the
 * group fails, each commit is retried in its own transaction, so one bad commit (a duplicate
 * parked id, say) fails alone and leaves the others written.
 */
import { setImmediate as realSetImmediate } from 'node:timers';

interface Pending<C> {
  changes: C;
  resolve(): void;
  reject(err: unknown): void;
}

/** `writeAll(list)` must apply every item in one transaction, or throw and apply nothing. */
export function createGroupCommit<C>(writeAll: (list: C[]) => void): (changes: C) => Promise<void> {
  // Captured at load: test fake timers must not stall durable writes.
  const schedule = realSetImmediate;
  let queue: Pending<C>[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      writeAll(batch.map((p) => p.changes));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          writeAll([p.changes]);
          p.resolve();
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }

  return (changes) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ changes, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    });
}
