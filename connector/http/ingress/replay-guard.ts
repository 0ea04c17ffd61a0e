/**
 * Signed-request ids already accepted, so a replay inside the signature window is refused (409)
 * instead of becoming a second event. Kept in the store as news items of kind `ingress-id`
 * (unique per kind and key, shared by every instance); ids in flight are also held in memory so
 * two concurrent copies cannot both pass. An id is recorded only after its events were
 * confirmed: a request answered 503 may be sent again with the same id.
 */
import type { Store } from '../../../adapters/store/index.ts';

export const INGRESS_ID_KIND = 'ingress-id';

export function createReplayGuard(store: Store, now: () => Date = () => new Date()) {
  const inFlight = new Set<string>();
  const key = (source: string, id: string) => `${source}:${id}`;
  return {
    /** True when the id may go ahead (not seen, not in flight); holds it until `release`/`record`. */
    async claim(source: string, id: string): Promise<boolean> {
      const k = key(source, id);
      if (inFlight.has(k)) return false;
      inFlight.add(k);
      try {
        if (await store.getNews(INGRESS_ID_KIND, k)) {
          inFlight.delete(k);
          return false;
        }
        return true;
      } catch (err) {
        inFlight.delete(k);
        throw err;
      }
    },
    async record(source: string, id: string): Promise<void> {
      const k = key(source, id);
      const at = now().toISOString();
      try {
        await store.commit({
          news: [{ kind: INGRESS_ID_KIND, key: k, body: { at }, receivedAt: at, publishedAt: at }],
        });
      } finally {
        inFlight.delete(k);
      }
    },
    release(source: string, id: string): void {
      inFlight.delete(key(source, id));
    },
  };
}

export type ReplayGuard = ReturnType<typeof createReplayGuard>;
