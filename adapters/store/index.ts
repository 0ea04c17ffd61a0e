/**
 * The store adapter: `createStore(url)` picks the backend from the URL.
 * - `sqlite:<path>`: a file relative to the working directory (or absolute), created when missing;
 *   `sqlite::memory:` for a private in-memory store (tests).
 * - `mongodb://…` / `mongodb+srv://…`: MongoDB through mongoose; needs a replica set (transactions).
 */
import { resolve } from 'node:path';
import type { CreateStoreOptions } from './options.ts';
import { createSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export type * from './types.ts';
export type { CreateStoreOptions, StoreLogger } from './options.ts';

const acceptedForms =
  'Use sqlite:<path> (relative to the working directory, or absolute), sqlite::memory:, ' +
  'mongodb://… or mongodb+srv://…';

export async function createStore(url: string, options: CreateStoreOptions = {}): Promise<Store> {
  const { logger } = options;
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length);
    if (rest === '') throw new Error(`store: sqlite: needs a path. ${acceptedForms}`);
    const path = rest === ':memory:' ? ':memory:' : resolve(process.cwd(), rest);
    return createSqliteStore({ path, ...(logger ? { logger } : {}) });
  }
  if (url.startsWith('mongodb://') || url.startsWith('mongodb+srv://')) {
    // Loaded on demand, so a SQLite deployment never loads mongoose.
    const { createMongoStore } = await import('./mongo/mongo-store.ts');
    return createMongoStore({ url, ...(logger ? { logger } : {}) });
  }
  throw new Error(storeUrlError(url));
}

function storeUrlError(url: string): string {
  // Only the scheme is echoed: a MongoDB URL can carry a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  return `store: unsupported store URL (scheme ${scheme}). ${acceptedForms}`;
}
