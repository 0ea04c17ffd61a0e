/**
 * Rate limit for failed logins and failed bearer tokens: at most `maxPerClient` failures per
 * client address and `maxTotal` failures in all within `windowMs`; past that, 429 with
 * Retry-After until the oldest failure leaves the window. Successes do not reset the count.
 */
export interface LoginLimiterOptions {
  maxPerClient?: number;
  maxTotal?: number;
  windowMs?: number;
  now?: () => number;
}

export function createLoginLimiter(options: LoginLimiterOptions = {}) {
  const maxPerClient = options.maxPerClient ?? 5;
  const maxTotal = options.maxTotal ?? 100;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const byClient = new Map<string, number[]>();
  let all: number[] = [];

  function prune(t: number): void {
    all = all.filter((x) => x > t - windowMs);
    for (const [k, list] of byClient) {
      const kept = list.filter((x) => x > t - windowMs);
      if (kept.length === 0) byClient.delete(k);
      else byClient.set(k, kept);
    }
  }

  return {
    /** Milliseconds to wait before this client may try again, or 0. */
    blockedForMs(client: string): number {
      const t = now();
      prune(t);
      const mine = byClient.get(client) ?? [];
      const waits: number[] = [];
      if (mine.length >= maxPerClient) waits.push(mine[mine.length - maxPerClient]! + windowMs - t);
      if (all.length >= maxTotal) waits.push(all[all.length - maxTotal]! + windowMs - t);
      return waits.length ? Math.max(1, ...waits) : 0;
    },
    fail(client: string): void {
      const t = now();
      all.push(t);
      byClient.set(client, [...(byClient.get(client) ?? []), t]);
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
