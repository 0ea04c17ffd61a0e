/**
 * Opens the store's own mongoose connection (never the global mongoose singleton), checks that
 * the server can run transactions, and creates the collections and their indexes.
 */
import mongoose, { type Connection, type mongo } from 'mongoose';
import { createModels, ensureCollections, type StoreModels } from './models.ts';
import { wrapMongoError } from './mongo-errors.ts';

export interface OpenConnectionOptions {
  url: string;
  dbName?: string;
  serverSelectionTimeoutMs: number;
}

export async function openConnection(
  options: OpenConnectionOptions,
): Promise<{ connection: Connection; models: StoreModels }> {
  const { url, dbName, serverSelectionTimeoutMs } = options;
  const connection = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: serverSelectionTimeoutMs,
    // Fail at once while disconnected instead of queueing operations in memory.
    bufferCommands: false,
    // Collections and indexes are created below, awaited, not in the background.
    autoIndex: false,
    autoCreate: false,
    ...(dbName !== undefined ? { dbName } : {}),
  });
  try {
    await connection.asPromise();
    await assertReplicaSet(connection);
    const models = createModels(connection);
    // A transaction cannot rely on collections being created on first use: create them now.
    await ensureCollections(models);
    return { connection, models };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw wrapMongoError(err, 'open');
  }
}

export function database(connection: Connection): mongo.Db {
  if (!connection.db) throw new Error('store (mongodb): not connected');
  return connection.db;
}

/** Transactions need a replica set member or a mongos; a standalone mongod cannot run them. */
async function assertReplicaSet(connection: Connection): Promise<void> {
  const hello = await database(connection).admin().command({ hello: 1 });
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return;
  throw new Error(
    'store (mongodb): the server is a standalone mongod, but the store needs transactions, which ' +
      'MongoDB runs only on a replica set: start mongod with --replSet <name> and run rs.initiate() ' +
      '(a one-node replica set is enough)',
  );
}
