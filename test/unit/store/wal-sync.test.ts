/**
 * The SQLite store's durability rule: a write's promise resolves only after a sync of the WAL
 * that started after the write committed; commits that arrive during one sync share the next;
 * a failed sync fails the writes waiting on it (TransportError), never resolves them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdatasync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../connector/errors.ts';
import { createSqliteStore } from '../../../adapters/store/sqlite/sqlite-store.ts';
import type { SyncFile } from '../../../adapters/store/sqlite/wal-sync.ts';
import { inboxEntry } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = (): string => join(dir, `w${++n}.db`);

/** A sync the test releases by hand, recording how many were started. */
function heldSync() {
  const held: (() => void)[] = [];
  let failNext: Error | undefined;
  const syncFile: SyncFile = (fd, done) => {
    const fail = failNext;
    failNext = undefined;
    held.push(() => (fail ? done(fail) : fdatasync(fd, done)));
  };
  return {
    syncFile,
    started: () => held.length,
    releaseAll() {
      for (const release of held.splice(0)) release();
    },
    failNextWith(err: Error) {
      failNext = err;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('WAL sync before a write resolves', () => {
  it('holds a commit until the sync that follows it has finished', async () => {
    const sync = heldSync();
    const store = await createSqliteStore({ path: freshFile(), syncFile: sync.syncFile });
    let resolved = false;
    const done = store.commit({ inbox: [inboxEntry()] }).then(() => (resolved = true));
    await tick();
    expect(sync.started()).toBe(1);
    expect(resolved).toBe(false);
    // Committed (visible to reads) but not yet reported durable.
    expect(await store.getInbox('erp-a', 'msg-1')).not.toBeNull();
    sync.releaseAll();
    await done;
    expect(resolved).toBe(true);
    await store.close();
  });

  it('makes commits that arrive during one sync share the next one', async () => {
    const sync = heldSync();
    const store = await createSqliteStore({ path: freshFile(), syncFile: sync.syncFile });
    const first = store.commit({ inbox: [inboxEntry({ messageId: 'm-0' })] });
    await tick();
    expect(sync.started()).toBe(1);
    const later = Array.from({ length: 50 }, (_, i) =>
      store.commit({ inbox: [inboxEntry({ messageId: `m-${i + 1}` })] }),
    );
    await tick();
    expect(sync.started()).toBe(1); // the 50 wait: a sync that began before them covers nothing
    sync.releaseAll();
    await first;
    await tick();
    expect(sync.started()).toBe(1); // one more sync for all 50 (released below)
    sync.releaseAll();
    await Promise.all(later);
    await store.close();
  });

  it('also holds leases and other single writes until synced', async () => {
    const sync = heldSync();
    const store = await createSqliteStore({ path: freshFile(), syncFile: sync.syncFile });
    let taken: boolean | undefined;
    const lease = store.acquireLease('invoice:1', 'me', 10_000).then((v) => (taken = v));
    await tick();
    expect(taken).toBeUndefined();
    sync.releaseAll();
    await lease;
    expect(taken).toBe(true);
    await store.close();
  });

  it('fails the writes waiting on a failed sync with a TransportError', async () => {
    const sync = heldSync();
    const store = await createSqliteStore({ path: freshFile(), syncFile: sync.syncFile });
    sync.failNextWith(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const failing = store.commit({ inbox: [inboxEntry()] });
    await tick();
    sync.releaseAll();
    await expect(failing).rejects.toBeInstanceOf(TransportError);
    // The next write syncs again and succeeds.
    const next = store.commit({ inbox: [inboxEntry({ messageId: 'msg-2' })] });
    await tick();
    sync.releaseAll();
    await expect(next).resolves.toBeUndefined();
    await store.close();
  });
});
