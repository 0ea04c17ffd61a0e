/**
 * Durability off the event loop. The connection runs with `synchronous = NORMAL`: a COMMIT
 * writes its frames to the WAL file but does not wait for the disk. Before ANY write's promise
 * resolves, `afterSync()` waits for an `fdatasync` of the WAL file that STARTED after that
 * commit, run on libuv's thread pool. So "resolved = on disk" holds exactly as with
 * `synchronous = FULL`, but:
 * - the event loop never blocks on the disk (FULL fsyncs inside COMMIT, on the main thread);
 * - commits that land while one sync is running share the next one (group commit for free).
 *
 * Why it is enough: SQLite writes frames to the WAL in commit order and recovery replays the
 * WAL up to the last valid commit frame; a sync of the file covers every frame written before
 * it, so a resolved write and every write committed before it survive a power cut. A process
 * crash loses nothing even before the sync (the frames are in the OS cache). Checkpoints under
 * NORMAL sync the WAL before copying it into the database file and sync the database file
 * before the WAL is reused (SQLite's own rule). The WAL file keeps its inode while any
 * connection is open; should it be replaced anyway, the next sync reopens it.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

export interface WalSync {
  /** Resolves after a sync of the WAL that began after this call; rejects when that sync fails. */
  afterSync(): Promise<void>;
  /** Waits for the running sync, then closes the file. */
  close(): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/** Flushes a file's data to disk (`fs.fdatasync`; tests pass a controllable one). */
export type SyncFile = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;

export function createWalSync(databasePath: string, syncFile: SyncFile = fdatasync): WalSync {
  const walPath = `${databasePath}-wal`;
  let fd: number | undefined;
  let inode = -1;
  let waiting: Waiter[] = [];
  let running: Promise<void> | undefined;

  /** The WAL's descriptor, reopened when the file on disk is no longer the one held open. */
  function walFd(): number {
    const onDisk = statSync(walPath).ino;
    if (fd !== undefined && onDisk === inode) return fd;
    if (fd !== undefined) closeSync(fd);
    fd = openSync(walPath, 'r+');
    inode = fstatSync(fd).ino;
    return fd;
  }

  function syncOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let target: number;
      try {
        target = walFd();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      syncFile(target, (err) => (err ? reject(err) : resolve()));
    });
  }

  function start(): void {
    const batch = waiting;
    waiting = [];
    running = syncOnce().then(
      () => {
        for (const w of batch) w.resolve();
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
      },
    );
    void running.finally(() => {
      running = undefined;
      if (waiting.length > 0) start();
    });
  }

  return {
    afterSync() {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (running === undefined) start();
      });
    },
    async close() {
      while (running !== undefined) await running.catch(() => undefined);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** For `:memory:` stores: nothing to sync. */
export const noWalSync: WalSync = {
  afterSync: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
