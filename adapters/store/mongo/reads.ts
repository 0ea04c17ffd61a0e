/** Read helpers of the MongoDB backend: lean finds decoded through a field map. */
import { decodeDoc, type FieldMap } from './fields.ts';
import type { MongoQuery } from './filters.ts';
import type { StoreModel } from './models.ts';

export async function findOne<T>(
  model: StoreModel,
  map: FieldMap<T>,
  query: MongoQuery,
): Promise<T | null> {
  const doc = await model.findOne(query.filter).sort(query.sort).lean();
  return doc ? decodeDoc(map, doc) : null;
}

export async function findMany<T>(
  model: StoreModel,
  map: FieldMap<T>,
  query: MongoQuery,
  limit?: number,
  offset = 0,
): Promise<T[]> {
  if (limit === 0) return []; // MongoDB reads limit(0) as "no limit"
  let find = model.find(query.filter).sort(query.sort);
  if (offset > 0) find = find.skip(offset);
  if (limit !== undefined) find = find.limit(limit);
  return (await find.lean()).map((doc) => decodeDoc(map, doc));
}

/** A lookup by a unique key (the sort only makes the query shape uniform). */
export function byKey(filter: Record<string, unknown>): MongoQuery {
  return { filter, sort: { _id: 1 } };
}
