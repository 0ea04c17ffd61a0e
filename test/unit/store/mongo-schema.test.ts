/**
 * MongoDB backend pieces that run without a server (1/2): the field maps and schemas, and the
 * casting of a commit into driver operations (mongoose's own casting, with the driver calls
 * recorded instead of sent). The contract against a server is in mongo.test.ts (MONGODB_URL).
 */
import mongoose, { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { applyChanges } from '../../../adapters/store/mongo/apply-changes.ts';
import * as maps from '../../../adapters/store/mongo/field-maps.ts';
import { decodeDoc, encodeDoc, type FieldMap } from '../../../adapters/store/mongo/fields.ts';
import {
  collectionSpecs,
  createModels,
  type StoreModels,
} from '../../../adapters/store/mongo/models.ts';
import {
  at,
  auditEntry,
  deadLetter,
  inboxEntry,
  invoice,
  newsItem,
  outboxRow,
  parkedEvent,
  task,
} from './fixtures.ts';

// A connection that never connects: models register on it and cast queries, nothing is sent.
const connection = mongoose.createConnection();
const models = createModels(connection);
afterAll(() => connection.close());

type Call = { collection: string; method: string; arg: unknown };

/** Replaces the driver calls of every model's collection with a recorder. */
function recordDriverCalls(target: StoreModels): Call[] {
  const calls: Call[] = [];
  for (const [name, model] of Object.entries(target)) {
    const collection = model.collection as unknown as Record<string, unknown>;
    for (const method of ['bulkWrite', 'deleteMany']) {
      collection[method] = (arg: unknown) => {
        calls.push({ collection: name, method, arg });
        return Promise.resolve({ acknowledged: true, deletedCount: 0, insertedCount: 0 });
      };
    }
  }
  return calls;
}

/** Checks the field map against its schema and round-trips a record through encode/decode. */
function checkFieldMap<T>(name: keyof StoreModels, map: FieldMap<T>, record: T): void {
  const schema = models[name].schema;
  for (const field of Object.keys(map)) expect(schema.path(field), field).toBeDefined();
  const stored = {
    _id: new Types.ObjectId(),
    seq: new Types.ObjectId(),
    ...encodeDoc(map, record),
  };
  expect(decodeDoc(map, stored)).toEqual(record);
}

describe('field maps and schemas', () => {
  const cases: [keyof StoreModels, () => void][] = [
    ['inbox', () => checkFieldMap('inbox', maps.inboxFields, inboxEntry({ resultIds: ['a'] }))],
    [
      'invoices',
      () => checkFieldMap('invoices', maps.invoiceFields, invoice({ caseId: '1', closed: true })),
    ],
    ['outbox', () => checkFieldMap('outbox', maps.outboxFields, outboxRow())],
    ['parked', () => checkFieldMap('parked', maps.parkedFields, parkedEvent())],
    [
      'deadLetters',
      () =>
        checkFieldMap(
          'deadLetters',
          maps.deadLetterFields,
          deadLetter({ mappedRequest: { a: [1, { b: null }] } }),
        ),
    ],
    ['news', () => checkFieldMap('news', maps.newsFields, newsItem({ body: {} }))],
    [
      'cursors',
      () =>
        checkFieldMap('cursors', maps.cursorFields, {
          name: 'c',
          value: { page: 2 },
          updatedAt: at(1),
        }),
    ],
    ['tasks', () => checkFieldMap('tasks', maps.taskFields, task({ result: { credited: true } }))],
    ['audit', () => checkFieldMap('audit', maps.auditFields, auditEntry())],
  ];
  for (const [name, check] of cases) {
    it(`${name}: every field is a schema path, and a record survives encode/decode`, check);
  }

  it('decodes an absent nullable field as null', () => {
    const { caseId: _caseId, ...withoutCaseId } = invoice({ caseId: '1' });
    expect(decodeDoc(maps.invoiceFields, withoutCaseId).caseId).toBeNull();
  });

  it('declares a unique index on the key of every collection', () => {
    const keys: Record<string, object> = {
      inbox: { source: 1, messageId: 1 },
      invoices: { source: 1, invoiceNumber: 1 },
      outbox: { id: 1 },
      parked: { id: 1 },
      deadLetters: { id: 1 },
      news: { kind: 1, key: 1 },
      cursors: { name: 1 },
      tasks: { id: 1 },
      audit: { id: 1 },
      leases: { name: 1 },
    };
    for (const [name, key] of Object.entries(keys)) {
      const indexes = models[name as keyof StoreModels].schema.indexes();
      expect(indexes, name).toContainEqual([key, expect.objectContaining({ unique: true })]);
    }
    expect(Object.keys(keys).sort()).toEqual(Object.keys(collectionSpecs).sort());
  });

  it('rejects a field the schema does not know (strict: throw)', () => {
    expect(() => new models.inbox({ ...inboxEntry(), surprise: 1 })).toThrow(/surprise/);
  });
});

describe('commit casting (applyChanges through mongoose, driver calls recorded)', () => {
  it('turns every StoreChanges field into the expected operation, in order', async () => {
    const recordingConnection = mongoose.createConnection();
    const recordingModels = createModels(recordingConnection);
    const calls = recordDriverCalls(recordingModels);
    await applyChanges(
      recordingModels,
      {
        inbox: [inboxEntry()],
        invoices: [invoice()],
        outbox: [outboxRow({ headers: {} })],
        parkedRemove: ['old'],
        parkedAdd: [parkedEvent()],
        deadLetters: [deadLetter()],
        news: [newsItem()],
        newsPublished: [{ kind: 'settlement', key: 'set-1', at: at(1) }],
        cursors: [{ name: 'c', value: 1, updatedAt: at(1) }],
        tasks: [task()],
        audit: [auditEntry()],
      },
      undefined as never,
    );
    await recordingConnection.close();
    expect(calls.map((c) => `${c.collection}.${c.method}`)).toEqual([
      'inbox.bulkWrite',
      'invoices.bulkWrite',
      'outbox.bulkWrite',
      'parked.deleteMany',
      'parked.bulkWrite',
      'deadLetters.bulkWrite',
      'news.bulkWrite',
      'news.bulkWrite',
      'cursors.bulkWrite',
      'tasks.bulkWrite',
      'audit.bulkWrite',
    ]);
    const op = (i: number): unknown => (calls[i]!.arg as unknown[])[0];
    // Upsert = whole-row replace, every field written (nulls included), keyed by the natural key.
    expect(op(0)).toEqual({
      replaceOne: {
        filter: { source: 'erp-a', messageId: 'msg-1' },
        replacement: inboxEntry(),
        upsert: true,
      },
    });
    expect(op(1)).toEqual({
      replaceOne: {
        filter: { source: 'erp-a', invoiceNumber: 'INV-1' },
        replacement: invoice(),
        upsert: true,
      },
    });
    // Insert-ignore = $setOnInsert of the non-key fields plus an insertion-order seq; {} kept.
    const { id: _id, ...outboxRest } = outboxRow({ headers: {} });
    expect(op(2)).toEqual({
      updateOne: {
        filter: { id: 'out-1' },
        update: { $setOnInsert: { ...outboxRest, seq: expect.any(Types.ObjectId) } },
        upsert: true,
      },
    });
    expect(calls[3]!.arg).toEqual({ id: { $in: ['old'] } });
    const inserted = (op(4) as { insertOne: { document: { toObject(): unknown } } }).insertOne;
    expect(inserted.document.toObject()).toEqual({
      ...parkedEvent(),
      seq: expect.any(Types.ObjectId),
      _id: expect.any(Types.ObjectId),
    });
    const { kind: _kind, key: _key, ...newsRest } = newsItem();
    expect(op(6)).toEqual({
      updateOne: {
        filter: { kind: 'settlement', key: 'set-1' },
        update: { $setOnInsert: { ...newsRest, seq: expect.any(Types.ObjectId) } },
        upsert: true,
      },
    });
    expect(op(7)).toEqual({
      updateOne: {
        filter: { kind: 'settlement', key: 'set-1' },
        update: { $set: { publishedAt: at(1) } },
      },
    });
    expect(op(10)).toMatchObject({ updateOne: { filter: { id: 'audit-1' }, upsert: true } });
  });

  it('sends nothing for an empty commit', async () => {
    const recordingConnection = mongoose.createConnection();
    const recordingModels = createModels(recordingConnection);
    const calls = recordDriverCalls(recordingModels);
    await applyChanges(recordingModels, { inbox: [], parkedRemove: [] }, undefined as never);
    await recordingConnection.close();
    expect(calls).toEqual([]);
  });
});
