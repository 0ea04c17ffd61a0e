/**
 * Leases of the MongoDB backend. A lease is one document per name (unique index on name).
 * `acquireLease` is a single findOneAndUpdate with upsert, filtered on "expired or already mine":
 * it updates the document when it may take it, inserts it when there is none, and when someone
 * else holds it the insert collides with the unique index (E11000), which means "not acquired".
 * Expiry compares with the caller's clock, so instances sharing leases need clocks in step (NTP)
 * well within the TTL.
 */
import { leaseTakeoverFilter } from './filters.ts';
import type { StoreModel } from './models.ts';
import { isDuplicateKeyError } from './mongo-errors.ts';

export async function acquireLease(
  leases: StoreModel,
  lease: { name: string; owner: string; ttlMs: number; nowMs: number },
): Promise<boolean> {
  const { name, owner, ttlMs, nowMs } = lease;
  try {
    const doc = await leases
      .findOneAndUpdate(
        leaseTakeoverFilter(name, owner, new Date(nowMs)),
        { $set: { owner, expiresAt: new Date(nowMs + Math.max(0, Math.trunc(ttlMs))) } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean();
    return doc?.owner === owner;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}

export async function releaseLease(leases: StoreModel, name: string, owner: string): Promise<void> {
  await leases.deleteOne({ name, owner });
}
