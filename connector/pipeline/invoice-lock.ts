/**
 * One operation at a time per invoice (RELIABILITY.md §3.2): an in-process queue per key keeps
 * this instance's concurrent deliveries (prefetch > 1) in arrival order, and a store lease keeps
 * other instances out. A lease held elsewhere is reported, not waited for: the caller retries the
 * message later through a delay queue.
 */
import type { Store } from '../../adapters/store/index.ts';

export class InvoiceBusyError extends Error {
  override readonly name = 'InvoiceBusyError';
}

export interface InvoiceLockOptions {
  store: Store;
  owner: string;
  leaseMs: number;
}

export interface InvoiceLock {
  /**
   * Runs `fn` after earlier work on `key` in this process. With `lease` (default true) it also
   * holds the store lease, keeping other instances out; creates skip it (safe to repeat).
   */
  run<T>(key: string, fn: () => Promise<T>, options?: { lease?: boolean }): Promise<T>;
  /** Keys with work queued or running in this process. */
  readonly active: number;
}

export function createInvoiceLock(options: InvoiceLockOptions): InvoiceLock {
  const tails = new Map<string, Promise<unknown>>();

  async function underLease<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const name = `invoice:${key}`;
    const held = await options.store.acquireLease(name, options.owner, options.leaseMs);
    if (!held) throw new InvoiceBusyError(`invoice ${key} is being processed by another instance`);
    // Renewed while the work runs, so a short lease frees the invoice soon after a crash.
    const renew = setInterval(
      () => {
        options.store.acquireLease(name, options.owner, options.leaseMs).catch(() => undefined);
      },
      Math.max(100, Math.floor(options.leaseMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await options.store.releaseLease(name, options.owner).catch(() => undefined);
    }
  }

  return {
    run<T>(key: string, fn: () => Promise<T>, runOptions: { lease?: boolean } = {}): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const step = runOptions.lease === false ? fn : () => underLease(key, fn);
      const next = previous.then(step, step);
      const tail = next.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    },
    get active() {
      return tails.size;
    },
  };
}
