/**
 * The store contract against a real MongoDB, when MONGODB_URL points at one (a replica set:
 * transactions need it, e.g. `mongod --replSet rs0` + `rs.initiate()`). Each test gets a fresh
 * database, dropped afterwards. Without MONGODB_URL the suite is reported as skipped, with why.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe } from 'vitest';
import { createMongoStore } from '../../../adapters/store/mongo/mongo-store.ts';
import { describeStoreContract } from './store-contract.ts';

const url = process.env.MONGODB_URL;
const databases: string[] = [];
if (!url) {
  // Also said in the suite title; this line shows in the default (non-verbose) reporter too.
  console.warn('mongodb store contract skipped: MONGODB_URL is not set (no MongoDB server here)');
}

describe.skipIf(!url)(
  'mongodb store (skipped: MONGODB_URL is not set; no MongoDB server on this machine)',
  () => {
    afterAll(async () => {
      const admin = await mongoose.createConnection(url!).asPromise();
      for (const name of databases) await admin.useDb(name).dropDatabase();
      await admin.close();
    });

    describeStoreContract('mongodb store', () => {
      const dbName = `store_contract_${randomUUID().slice(0, 8)}`;
      databases.push(dbName);
      return createMongoStore({ url: url!, dbName });
    });
  },
);
