/**
 * `connector-child.ts` in a child process with the product's memory flags (as `npm start` runs
 * the connector), driven over IPC; its RSS is read from /proc, independent of the child.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { PRODUCTION_NODE_FLAGS } from '../../helpers/connector-process.ts';

/** The product's memory flags, as `npm start` passes them. */
export const PRODUCT_NODE_FLAGS = PRODUCTION_NODE_FLAGS;

export interface ForkedConnector {
  pid: number;
  /** Messages the child sent on its own (`rows-ready`, `unhandledRejection`). */
  events: { event: string; reason?: string }[];
  call<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** The child's resident set, read from /proc (independent of the child). */
  rssMb(): number;
  stop(): Promise<void>;
}

export async function forkConnector(): Promise<ForkedConnector> {
  const child = fork(new URL('./connector-child.ts', import.meta.url).pathname, [], {
    execArgv: [...PRODUCT_NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const events: ForkedConnector['events'] = [];
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  child.on('message', (m: { id?: number; result?: unknown; error?: string; event?: string }) => {
    if (m.event === 'ready') return ready();
    if (m.event) return void events.push(m as { event: string });
    const w = waiting.get(m.id!);
    waiting.delete(m.id!);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`connector child exited ${code}`));
    waiting.clear();
  });
  await isReady;
  return {
    pid: child.pid!,
    events,
    call<T>(cmd: string, args: Record<string, unknown> = {}) {
      const id = ++seq;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, ...args });
      });
    },
    rssMb() {
      try {
        const m = /VmRSS:\s+(\d+) kB/u.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([
        (async () => {
          const id = ++seq;
          await new Promise((resolve) => {
            waiting.set(id, { resolve, reject: resolve });
            child.send({ id, cmd: 'stop' });
          });
          child.disconnect();
        })(),
        new Promise((resolve) => setTimeout(resolve, 20_000)),
      ]);
      child.kill('SIGKILL');
      await exited;
    },
  };
}
