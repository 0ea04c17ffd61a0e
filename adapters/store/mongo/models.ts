/**
 * Mongoose schemas (with their indexes) and the models, registered on the store's own connection.
 *
 * `seq` (an ObjectId made by this process when the row is first inserted) keeps insertion order
 * where the Store promises it (pending outbox, parked events, news, audit). ObjectIds from one
 * process increase; across processes they order by second, then by process, which is as good as
 * "insertion order" can mean there.
 */
import {
  Schema,
  type Connection,
  type IndexDefinition,
  type IndexOptions,
  type Model,
  type SchemaDefinition,
} from 'mongoose';
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
import { schemaPaths, type FieldMap } from './fields.ts';

export type StoredDoc = Record<string, unknown>;
export type StoreModel = Model<StoredDoc>;

interface CollectionSpec {
  collection: string;
  fields: FieldMap<unknown> | FieldMap<Record<string, unknown>>;
  /** Paths beyond the record's fields (`seq`, the lease expiry). */
  extra?: SchemaDefinition;
  indexes: [IndexDefinition, IndexOptions?][];
}

const unique = { unique: true } as const;
const seqPath: SchemaDefinition = { seq: { type: Schema.Types.ObjectId } };

export const collectionSpecs = {
  inbox: {
    collection: 'inbox',
    fields: inboxFields,
    indexes: [
      [{ source: 1, messageId: 1 }, unique],
      [{ state: 1, createdAt: 1, _id: 1 }],
      [{ createdAt: 1, _id: 1 }],
    ],
  },
  invoices: {
    collection: 'invoices',
    fields: invoiceFields,
    indexes: [
      [{ source: 1, invoiceNumber: 1 }, unique],
      [{ caseId: 1, lastCheckedAt: 1, source: 1, invoiceNumber: 1 }],
      [{ lastCheckedAt: 1, source: 1, invoiceNumber: 1 }],
      [{ source: 1, lastCheckedAt: 1, invoiceNumber: 1 }],
      [{ closed: 1, lastCheckedAt: 1, source: 1, invoiceNumber: 1 }],
    ],
  },
  outbox: {
    collection: 'outbox',
    fields: outboxFields,
    extra: seqPath,
    indexes: [[{ id: 1 }, unique], [{ state: 1, seq: 1 }]],
  },
  parked: {
    collection: 'parked',
    fields: parkedFields,
    extra: seqPath,
    indexes: [
      [{ id: 1 }, unique],
      [{ source: 1, invoiceNumber: 1, seq: 1 }],
      [{ parkedAt: 1, seq: 1 }],
    ],
  },
  deadLetters: {
    collection: 'dead_letters',
    fields: deadLetterFields,
    indexes: [
      [{ id: 1 }, unique],
      [{ deadAt: -1, id: -1 }],
      [{ status: 1, deadAt: -1, id: -1 }],
      [{ source: 1, deadAt: -1, id: -1 }],
      [{ type: 1, deadAt: -1, id: -1 }],
      [{ reason: 1, deadAt: -1, id: -1 }],
    ],
  },
  news: {
    collection: 'news',
    fields: newsFields,
    extra: seqPath,
    indexes: [[{ kind: 1, key: 1 }, unique], [{ kind: 1, publishedAt: 1, receivedAt: 1, seq: 1 }]],
  },
  cursors: {
    collection: 'cursors',
    fields: cursorFields,
    indexes: [[{ name: 1 }, unique]],
  },
  tasks: {
    collection: 'tasks',
    fields: taskFields,
    indexes: [
      [{ id: 1 }, unique],
      [{ source: 1, invoiceNumber: 1, createdAt: -1, _id: -1 }],
      [{ state: 1, createdAt: 1, _id: 1 }],
      [{ source: 1, createdAt: 1, _id: 1 }],
      [{ createdAt: 1, _id: 1 }],
    ],
  },
  audit: {
    collection: 'audit',
    fields: auditFields,
    extra: seqPath,
    indexes: [[{ id: 1 }, unique], [{ at: -1, seq: -1 }]],
  },
  leases: {
    collection: 'leases',
    fields: { name: 'string', owner: 'string' },
    // A Date, readable in the shell; compared with the caller's clock (see mongo-leases.ts).
    extra: { expiresAt: { type: Date } },
    indexes: [[{ name: 1 }, unique]],
  },
} satisfies Record<string, CollectionSpec>;

export type CollectionName = keyof typeof collectionSpecs;
export type StoreModels = Record<CollectionName, StoreModel>;

export function buildSchema(spec: CollectionSpec): Schema<StoredDoc> {
  const paths = schemaPaths(spec.fields as FieldMap<Record<string, unknown>>);
  const schema = new Schema<StoredDoc>(
    { ...paths, ...spec.extra },
    {
      collection: spec.collection,
      versionKey: false,
      // Keep empty objects ({} headers, {} bodies) instead of dropping them.
      minimize: false,
      // A field missing from the schema is an error, never silently dropped.
      strict: 'throw',
      strictQuery: 'throw',
      autoIndex: false,
      autoCreate: false,
    },
  );
  for (const [fields, options] of spec.indexes) schema.index(fields, options);
  return schema;
}

/** Registers the models on `connection` (never on the global mongoose). */
export function createModels(connection: Connection): StoreModels {
  const models = {} as StoreModels;
  for (const [name, spec] of Object.entries(collectionSpecs) as [
    CollectionName,
    CollectionSpec,
  ][]) {
    models[name] = connection.model<StoredDoc>(name, buildSchema(spec), spec.collection);
  }
  return models;
}

/** Creates the collections and their indexes (a transaction cannot create them on first use). */
export async function ensureCollections(models: StoreModels): Promise<void> {
  for (const model of Object.values(models)) {
    await model.createCollection();
    await model.createIndexes();
  }
}
