/**
 * MongoDB backend pieces that run without a server (2/2): query filters (and their casting
 * against the schemas), leases with a recorded driver, error classification, open failure.
 */
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../connector/errors.ts';
import * as f from '../../../adapters/store/mongo/filters.ts';
import { acquireLease } from '../../../adapters/store/mongo/leases.ts';
import { createModels, type StoreModels } from '../../../adapters/store/mongo/models.ts';
import {
  isDuplicateKeyError,
  isTransientMongoError,
  wrapMongoError,
} from '../../../adapters/store/mongo/mongo-errors.ts';
import { createMongoStore } from '../../../adapters/store/mongo/mongo-store.ts';

// A connection that never connects: models register on it and cast queries, nothing is sent.
const connection = mongoose.createConnection();
const models = createModels(connection);
afterAll(() => connection.close());

describe('filters', () => {
  it('builds dead-letter filters: equality fields, from inclusive, to exclusive, newest first', () => {
    expect(f.deadLetterQuery({})).toEqual({ filter: {}, sort: { deadAt: -1, id: -1 } });
    expect(
      f.deadLetterQuery({
        status: 'OPEN',
        source: 's',
        type: 't',
        reason: 'r',
        from: 'a',
        to: 'b',
        limit: 5,
      }).filter,
    ).toEqual({
      status: 'OPEN',
      source: 's',
      type: 't',
      reason: 'r',
      deadAt: { $gte: 'a', $lt: 'b' },
    });
    expect(f.deadLetterQuery({ to: 'b' }).filter).toEqual({ deadAt: { $lt: 'b' } });
  });

  it('builds invoice filters: open cases, without case, by source; null lastCheckedAt first', () => {
    expect(f.invoiceQuery({ openCasesOnly: true }).filter).toEqual({
      $and: [{}, { caseId: { $type: 'string' }, closed: false }],
    });
    expect(f.invoiceQuery({ withoutCaseOnly: true, source: 's' }).filter).toEqual({
      $and: [{ source: 's' }, { caseId: null }],
    });
    expect(f.invoiceQuery({ source: 's' })).toEqual({
      filter: { source: 's' },
      sort: { lastCheckedAt: 1, source: 1, invoiceNumber: 1 },
    });
  });

  it('builds task, inbox, parked and lease filters', () => {
    expect(f.taskQuery({ state: 'SENT', limit: 2 }).filter).toEqual({ state: 'SENT' });
    expect(f.inboxQuery({}).filter).toEqual({});
    expect(f.parkedQuery({ parkedBefore: 'x' }).filter).toEqual({ parkedAt: { $lt: 'x' } });
    const now = new Date(0);
    expect(f.leaseTakeoverFilter('l', 'o', now)).toEqual({
      name: 'l',
      $or: [{ expiresAt: { $lte: now } }, { owner: 'o' }],
    });
  });

  it('casts every filter against its schema (strictQuery: throw)', () => {
    const cast = (model: keyof StoreModels, filter: object): void => {
      models[model].find(filter).cast();
    };
    expect(() =>
      cast('deadLetters', f.deadLetterQuery({ status: 'OPEN', from: 'a', to: 'b' }).filter),
    ).not.toThrow();
    expect(() =>
      cast('invoices', f.invoiceQuery({ openCasesOnly: true, source: 's' }).filter),
    ).not.toThrow();
    expect(() => cast('invoices', f.invoiceQuery({ withoutCaseOnly: true }).filter)).not.toThrow();
    expect(() => cast('tasks', f.taskQuery({ state: 'SENT', source: 's' }).filter)).not.toThrow();
    expect(() => cast('inbox', f.inboxQuery({ state: 'DONE' }).filter)).not.toThrow();
    expect(() => cast('parked', f.parkedQuery({ parkedBefore: 'x' }).filter)).not.toThrow();
    expect(() => cast('leases', f.leaseTakeoverFilter('l', 'o', new Date()))).not.toThrow();
    expect(() => cast('news', { kind: 'k', publishedAt: null })).not.toThrow();
    expect(() => cast('inbox', { nope: 1 })).toThrow(/nope/);
  });
});

describe('errors', () => {
  it('recognises a duplicate key', () => {
    expect(isDuplicateKeyError(Object.assign(new Error('E11000'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('x'), { code: 112 }))).toBe(false);
  });

  it('treats network, selection and transient-transaction errors as outages', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(isTransientMongoError(named('MongoNetworkError'))).toBe(true);
    expect(isTransientMongoError(named('MongooseServerSelectionError'))).toBe(true);
    expect(
      isTransientMongoError(
        Object.assign(new Error('x'), { errorLabels: ['TransientTransactionError'] }),
      ),
    ).toBe(true);
    expect(isTransientMongoError(Object.assign(new Error('dup'), { code: 11000 }))).toBe(false);
    expect(wrapMongoError(named('MongoNetworkError'), 'commit')).toBeInstanceOf(TransportError);
    const plain = new Error('bug');
    expect(wrapMongoError(plain, 'commit')).toBe(plain);
  });

  it('fails to open on an unreachable server with TransportError, never echoing the password', async () => {
    const opening = createMongoStore({
      url: 'mongodb://user:s3cret@127.0.0.1:9/x',
      serverSelectionTimeoutMs: 200,
    });
    await expect(opening).rejects.toBeInstanceOf(TransportError);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});

describe('acquireLease (driver call recorded)', () => {
  /** Answers the driver's findOneAndUpdate with `answer` and records the call. */
  function leasesAnswering(answer: () => unknown): { calls: unknown[][] } {
    const calls: unknown[][] = [];
    const collection = models.leases.collection as unknown as Record<string, unknown>;
    collection.findOneAndUpdate = (...args: unknown[]) => {
      calls.push(args);
      return Promise.resolve(answer());
    };
    return { calls };
  }

  it('sends one upsert filtered on "expired or mine" and reports the lease held', async () => {
    const { calls } = leasesAnswering(() => ({
      name: 'l',
      owner: 'me',
      expiresAt: new Date(1_500),
    }));
    const held = await acquireLease(models.leases, {
      name: 'l',
      owner: 'me',
      ttlMs: 500,
      nowMs: 1_000,
    });
    expect(held).toBe(true);
    const [filter, update, options] = calls[0]!;
    expect(filter).toEqual({
      name: 'l',
      $or: [{ expiresAt: { $lte: new Date(1_000) } }, { owner: 'me' }],
    });
    expect(update).toEqual({ $set: { owner: 'me', expiresAt: new Date(1_500) } });
    expect(options).toMatchObject({ upsert: true, returnDocument: 'after' });
  });

  it('reads a duplicate-key error (someone else holds it) as not acquired', async () => {
    leasesAnswering(() => {
      throw Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    });
    expect(await acquireLease(models.leases, { name: 'l', owner: 'me', ttlMs: 1, nowMs: 0 })).toBe(
      false,
    );
  });

  it('passes other errors on', async () => {
    leasesAnswering(() => {
      throw new Error('boom');
    });
    await expect(
      acquireLease(models.leases, { name: 'l', owner: 'me', ttlMs: 1, nowMs: 0 }),
    ).rejects.toThrow('boom');
  });
});
