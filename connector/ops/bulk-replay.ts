/**
 * Bulk replay of a selection of dead letters, one after another, with progress. The replayed
 * messages then go through the pipeline and so through the agency limiter like any delivery;
 * `settled` counts those the pipeline has finished (inbox DONE or failed again), read on demand.
 * Jobs live in this instance's memory (a restart forgets the progress, not the replays).
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../adapters/store/index.ts';
import { OpsActionError } from './audit.ts';
import type { DeadLetterActions } from './dead-letters.ts';

export const MAX_BULK_REPLAY = 500;

export interface BulkReplayJob {
  id: string;
  actor: string;
  total: number;
  replayed: number;
  skipped: { id: string; reason: string }[];
  done: boolean;
  startedAt: string;
  finishedAt: string | null;
}

export interface BulkReplayProgress extends BulkReplayJob {
  /** Replayed messages the pipeline has finished with: done, or failed again. */
  settled: { done: number; failedAgain: number; pending: number };
}

export function createBulkReplay(options: {
  store: Store;
  actions: DeadLetterActions;
  now?: () => Date;
  maxJobs?: number;
}) {
  const now = options.now ?? (() => new Date());
  const jobs = new Map<
    string,
    { job: BulkReplayJob; messages: { source: string; id: string }[] }
  >();
  const maxJobs = options.maxJobs ?? 50;

  async function run(
    state: { job: BulkReplayJob; messages: { source: string; id: string }[] },
    ids: string[],
  ) {
    for (const id of ids) {
      try {
        const letter = await options.store.getDeadLetter(id);
        await options.actions.replay(id, state.job.actor);
        state.job.replayed += 1;
        if (letter?.messageId) state.messages.push({ source: letter.source, id: letter.messageId });
      } catch (err) {
        const reason = err instanceof OpsActionError ? err.message : 'store or broker unavailable';
        state.job.skipped.push({ id, reason });
      }
    }
    state.job.done = true;
    state.job.finishedAt = now().toISOString();
  }

  return {
    start(ids: string[], actor: string): BulkReplayJob {
      const unique = [...new Set(ids)];
      if (unique.length === 0)
        throw new OpsActionError('invalid', 'select at least one dead letter');
      if (unique.length > MAX_BULK_REPLAY) {
        throw new OpsActionError('invalid', `at most ${MAX_BULK_REPLAY} dead letters at once`);
      }
      const job: BulkReplayJob = {
        id: randomUUID(),
        actor,
        total: unique.length,
        replayed: 0,
        skipped: [],
        done: false,
        startedAt: now().toISOString(),
        finishedAt: null,
      };
      const state = { job, messages: [] as { source: string; id: string }[] };
      jobs.set(job.id, state);
      for (const old of jobs.keys()) {
        if (jobs.size <= maxJobs) break;
        if (jobs.get(old)?.job.done) jobs.delete(old);
      }
      void run(state, unique);
      return { ...job };
    },
    async progress(id: string): Promise<BulkReplayProgress | null> {
      const state = jobs.get(id);
      if (!state) return null;
      const settled = { done: 0, failedAgain: 0, pending: 0 };
      for (const m of state.messages) {
        const entry = await options.store.getInbox(m.source, m.id);
        if (entry?.state === 'DONE') settled.done += 1;
        else if (entry?.state === 'FAILED' || entry?.state === 'MANUAL_REVIEW')
          settled.failedAgain += 1;
        else settled.pending += 1;
      }
      return { ...state.job, skipped: [...state.job.skipped], settled };
    },
  };
}

export type BulkReplay = ReturnType<typeof createBulkReplay>;
