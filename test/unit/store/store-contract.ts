/**
 * The store contract: one suite, run against every backend (sqlite.test.ts, mongo.test.ts).
 * `make` must return a fresh, empty store each time; the suite closes it after each test.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../../adapters/store/types.ts';
import { commitContract } from './contract-commit.ts';
import { leasesContract } from './contract-leases.ts';
import { opsContract } from './contract-ops.ts';
import { outboxContract } from './contract-outbox.ts';
import { pollerReadsContract } from './contract-poller-reads.ts';

export function describeStoreContract(name: string, make: () => Promise<Store>): void {
  describe(name, () => {
    let current: Store | undefined;
    beforeEach(async () => {
      current = await make();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const store = (): Store => {
      if (!current) throw new Error('store contract: no store (make() failed?)');
      return current;
    };
    commitContract(store);
    outboxContract(store);
    opsContract(store);
    leasesContract(store);
    pollerReadsContract(store);
  });
}
