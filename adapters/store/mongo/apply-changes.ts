/**
 * Writes one `StoreChanges` inside the caller's transaction (`session`), in the order the SQLite
 * backend uses: inbox, invoices, outbox, parkedRemove, parkedAdd, deadLetters, news,
 * newsPublished, cursors, tasks, audit. Operations run one after another: a session allows no
 * parallel operations inside a transaction.
 */
import { Types, type AnyBulkWriteOperation, type ClientSession } from 'mongoose';
import type { StoreChanges } from '../types.ts';
import {
  auditFields,
  cursorFields,
  deadLetterFields,
  inboxFields,
  invoiceFields,
  newsFields,
  outboxFields,
  parkedFields,
  taskFields,
} from './field-maps.ts';
import { encodeDoc, type FieldMap } from './fields.ts';
import type { StoredDoc, StoreModel, StoreModels } from './models.ts';

type Op = AnyBulkWriteOperation<StoredDoc>;

function splitKey(doc: StoredDoc, key: readonly string[]): { filter: StoredDoc; rest: StoredDoc } {
  const filter: StoredDoc = {};
  const rest: StoredDoc = { ...doc };
  for (const k of key) {
    filter[k] = doc[k];
    delete rest[k];
  }
  return { filter, rest };
}

/** Whole-row replace by key, inserting when absent ("upserts replace the whole row"). */
function replaceOps<T>(
  map: FieldMap<T>,
  rows: readonly T[] | undefined,
  key: (keyof T & string)[],
): Op[] {
  return (rows ?? []).map((row) => {
    const doc = encodeDoc(map, row);
    return { replaceOne: { filter: splitKey(doc, key).filter, replacement: doc, upsert: true } };
  });
}

/** Insert when absent, leave an existing row as it is. */
function insertIgnoreOps<T>(
  map: FieldMap<T>,
  rows: readonly T[] | undefined,
  key: (keyof T & string)[],
): Op[] {
  return (rows ?? []).map((row) => {
    const { filter, rest } = splitKey(encodeDoc(map, row), key);
    // The key fields come from the filter when the upsert inserts; the rest only then.
    return {
      updateOne: {
        filter,
        update: { $setOnInsert: { ...rest, seq: new Types.ObjectId() } },
        upsert: true,
      },
    };
  });
}

export async function applyChanges(
  models: StoreModels,
  changes: StoreChanges,
  session: ClientSession,
): Promise<void> {
  const run = async (model: StoreModel, ops: Op[]): Promise<void> => {
    if (ops.length > 0) await model.bulkWrite(ops, { session, ordered: true });
  };
  await run(models.inbox, replaceOps(inboxFields, changes.inbox, ['source', 'messageId']));
  await run(
    models.invoices,
    replaceOps(invoiceFields, changes.invoices, ['source', 'invoiceNumber']),
  );
  await run(models.outbox, insertIgnoreOps(outboxFields, changes.outbox, ['id']));
  if (changes.parkedRemove && changes.parkedRemove.length > 0) {
    await models.parked.deleteMany({ id: { $in: changes.parkedRemove } }, { session });
  }
  await run(
    models.parked,
    (changes.parkedAdd ?? []).map((row) => ({
      // A plain insert: an id that exists already fails the commit (E11000).
      insertOne: { document: { ...encodeDoc(parkedFields, row), seq: new Types.ObjectId() } },
    })),
  );
  await run(models.deadLetters, replaceOps(deadLetterFields, changes.deadLetters, ['id']));
  await run(models.news, insertIgnoreOps(newsFields, changes.news, ['kind', 'key']));
  await run(
    models.news,
    (changes.newsPublished ?? []).map(({ kind, key, at }) => ({
      updateOne: { filter: { kind, key }, update: { $set: { publishedAt: at } } },
    })),
  );
  await run(models.cursors, replaceOps(cursorFields, changes.cursors, ['name']));
  await run(models.tasks, replaceOps(taskFields, changes.tasks, ['id']));
  await run(models.audit, insertIgnoreOps(auditFields, changes.audit, ['id']));
}
