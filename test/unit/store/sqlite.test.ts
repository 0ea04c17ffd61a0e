import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../adapters/store/index.ts';
import { createSqliteStore } from '../../../adapters/store/sqlite/sqlite-store.ts';
import { inboxEntry, outboxRow } from './fixtures.ts';
import { describeStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
let n = 0;
const freshFile = (): string => join(dir, `s${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('sqlite store (temp file)', () => createStore(`sqlite:${freshFile()}`));
describeStoreContract('sqlite store (:memory:)', () => createStore('sqlite::memory:'));

describe('createStore URLs', () => {
  it('opens sqlite:<path> relative to the working directory', async () => {
    const file = freshFile();
    const store = await createStore(`sqlite:${relative(process.cwd(), file)}`);
    await store.commit({ outbox: [outboxRow()] });
    await store.close();
    const again = await createStore(`sqlite:${file}`);
    expect(again.kind).toBe('sqlite');
    expect((await again.pendingOutbox(10)).length).toBe(1);
    await again.close();
  });

  it('creates a missing parent directory', async () => {
    const store = await createStore(`sqlite:${join(dir, 'nested', 'deeper', 'x.db')}`);
    await store.ping();
    await store.close();
  });

  it('rejects an unknown scheme naming the accepted forms, without echoing the URL', async () => {
    const attempt = createStore('postgres://user:s3cret@db.example/x');
    await expect(attempt).rejects.toThrow(
      /sqlite:<path>.*sqlite::memory:.*mongodb:\/\/.*mongodb\+srv:\/\//,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
    await expect(createStore('sqlite:')).rejects.toThrow(/sqlite:<path>/);
    await expect(createStore('')).rejects.toThrow(/sqlite:<path>/);
  });

  it('hands mongodb:// URLs to the MongoDB backend', async () => {
    // An empty host list fails in the MongoDB driver's URL parser, before any network use.
    await expect(createStore('mongodb://')).rejects.toThrow(/host list/);
  });
});

describe('two stores on one sqlite file', () => {
  it("see each other's commits", async () => {
    const file = freshFile();
    const a = await createStore(`sqlite:${file}`);
    const b = await createStore(`sqlite:${file}`);
    await a.commit({ inbox: [inboxEntry({ messageId: 'from-a' })] });
    expect(await b.getInbox('erp-a', 'from-a')).not.toBeNull();
    await b.commit({ outbox: [outboxRow({ id: 'from-b' })] });
    expect((await a.pendingOutbox(10)).map((r) => r.id)).toEqual(['from-b']);
    await b.markOutboxSent(['from-b'], '2026-03-01T10:00:00.000Z');
    expect(await a.pendingOutbox(10)).toEqual([]);
    await a.close();
    await b.close();
  });

  it('keep a lease held by one from the other until it expires', async () => {
    const file = freshFile();
    let clockMs = 1_000_000;
    const now = (): number => clockMs;
    const a = await createSqliteStore({ path: file, now });
    const b = await createSqliteStore({ path: file, now });
    expect(await a.acquireLease('leader', 'a', 10_000)).toBe(true);
    expect(await b.acquireLease('leader', 'b', 10_000)).toBe(false);
    clockMs += 9_999;
    expect(await b.acquireLease('leader', 'b', 10_000)).toBe(false);
    clockMs += 1;
    expect(await b.acquireLease('leader', 'b', 10_000)).toBe(true);
    expect(await a.acquireLease('leader', 'a', 10_000)).toBe(false);
    await b.releaseLease('leader', 'b');
    expect(await a.acquireLease('leader', 'a', 10_000)).toBe(true);
    await a.close();
    await b.close();
  });

  it('accept interleaved commits from two processes (the busy timeout absorbs lock waits)', async () => {
    const file = freshFile();
    const childCommits = 300;
    const parent = await createStore(`sqlite:${file}`);
    const storeIndex = fileURLToPath(new URL('../../../adapters/store/index.ts', import.meta.url));
    const script = `
      const { createStore } = await import(${JSON.stringify(storeIndex)});
      const store = await createStore(${JSON.stringify(`sqlite:${file}`)});
      for (let i = 0; i < ${childCommits}; i++) {
        await store.commit({ outbox: [{ id: 'child-' + i, exchange: 'x', routingKey: 'r', body: '{}',
          headers: {}, state: 'PENDING', attempts: 0, lastError: null,
          createdAt: new Date().toISOString(), sentAt: null }] });
        await new Promise((resolve) => setImmediate(resolve));
      }
      await store.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = once(child, 'exit').then(([code]) => (exitCode = code as number | null));
    let parentCommits = 0;
    // Commit for as long as the child runs, pausing a millisecond between commits like a real
    // writer (a loop with no pause at all can starve the other process's busy handler past its
    // timeout on a loaded machine: SQLite's busy handler polls, it does not queue).
    while (exitCode === undefined) {
      await parent.commit({ outbox: [outboxRow({ id: `parent-${parentCommits++}` })] });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await exited;
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const rows = await parent.pendingOutbox(100_000);
    expect(rows.length).toBe(parentCommits + childCommits);
    // The two writers really overlapped: their rows interleave in commit order.
    const order = rows.map((r) => (r.id.startsWith('child-') ? 'c' : 'p')).join('');
    expect(order).toMatch(/p+c+p/);
    await parent.close();
  });
});
