/**
 * One instance polls: a named lease in the store (`pollers`), taken when free or expired and
 * renewed every third of its time while held. Another instance takes it over once the holder
 * stops renewing (it died) and the lease time has passed. `isLeader()` is the last known answer;
 * `ensure()` asks the store now (a run calls it before it starts).
 */
import type { Store } from '../../adapters/store/index.ts';
import type { Logger } from '../logger.ts';

export interface LeaderLeaseOptions {
  store: Store;
  owner: string;
  ttlMs: number;
  logger: Logger;
  name?: string;
}

export function createLeaderLease(options: LeaderLeaseOptions) {
  const { store, owner, ttlMs, logger } = options;
  const name = options.name ?? 'pollers';
  let leader = false;
  let timer: NodeJS.Timeout | null = null;

  async function ensure(): Promise<boolean> {
    let held = false;
    try {
      held = await store.acquireLease(name, owner, ttlMs);
    } catch (err) {
      logger.warn({ err }, 'poller lease check failed');
    }
    if (held !== leader) {
      leader = held;
      logger.info(
        { owner, lease: name },
        held ? 'poller leadership acquired' : 'poller leadership lost',
      );
    }
    return held;
  }

  return {
    ensure,
    isLeader: () => leader,
    start(): void {
      const tick = () => {
        void ensure().finally(() => {
          if (timer === null) return;
          timer = setTimeout(tick, Math.max(250, Math.floor(ttlMs / 3)));
          timer.unref();
        });
      };
      timer = setTimeout(tick, 0);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      if (leader) await store.releaseLease(name, owner).catch(() => undefined);
      leader = false;
    },
  };
}

export type LeaderLease = ReturnType<typeof createLeaderLease>;
