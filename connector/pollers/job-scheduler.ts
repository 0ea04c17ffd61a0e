/**
 * Runs named jobs on croner schedules under the leader lease: a job never overlaps itself (a tick
 * or `runNow` during a run waits for that run and returns its summary), a run on an instance that
 * is not the leader is skipped (`not_leader`), and `stop()` stops the timers, aborts the runs'
 * signal (each run ends after its current page) and waits for them.
 */
import { Cron } from 'croner';
import type { Logger } from '../logger.ts';
import type { LeaderLease } from './leader-lease.ts';
import type { JobName, PollerStatus, RunOutcome, RunSummary } from './types.ts';

export interface Job {
  name: JobName;
  schedule: string;
  run(signal: AbortSignal): Promise<RunOutcome>;
}

export interface JobSchedulerOptions {
  jobs: Job[];
  lease: LeaderLease;
  logger: Logger;
  /** Clock of the summaries (the real one; durations use performance.now). */
  now?: () => Date;
}

interface JobState {
  job: Job;
  cron: Cron | null;
  running: Promise<RunSummary> | null;
  lastRun: RunSummary | null;
  lastSuccessAt: string | null;
}

export function createJobScheduler(options: JobSchedulerOptions) {
  const { lease, logger } = options;
  const now = options.now ?? (() => new Date());
  const controller = new AbortController();
  const states = new Map<JobName, JobState>(
    options.jobs.map((job) => [
      job.name,
      { job, cron: null, running: null, lastRun: null, lastSuccessAt: null },
    ]),
  );

  async function execute(state: JobState): Promise<RunSummary> {
    const startedAt = now();
    const started = performance.now();
    const base = { name: state.job.name, startedAt: startedAt.toISOString() };
    const finish = (
      s: Omit<RunSummary, 'name' | 'startedAt' | 'finishedAt' | 'durationMs'>,
    ): RunSummary => ({
      ...base,
      finishedAt: now().toISOString(),
      durationMs: Math.round(performance.now() - started),
      ...s,
    });
    const empty = { calls: 0, events: 0, cursor: null, detail: {} };
    if (controller.signal.aborted) return finish({ ...empty, result: 'stopped' });
    if (!(await lease.ensure())) return finish({ ...empty, result: 'not_leader' });
    try {
      const outcome = await state.job.run(controller.signal);
      const { stopped, ...rest } = outcome;
      const summary = finish({ ...rest, result: stopped ? 'stopped' : 'ok' });
      if (!stopped) state.lastSuccessAt = summary.finishedAt;
      logger.debug(
        { job: state.job.name, calls: summary.calls, events: summary.events },
        'poller run done',
      );
      return summary;
    } catch (err) {
      logger.warn({ err, job: state.job.name }, 'poller run failed');
      const error = err instanceof Error ? err.message : String(err);
      return finish({ ...empty, result: controller.signal.aborted ? 'stopped' : 'failed', error });
    }
  }

  function run(name: JobName): Promise<RunSummary> {
    const state = states.get(name);
    if (!state) return Promise.reject(new RangeError(`unknown poller ${name}`));
    state.running ??= execute(state)
      .then((summary) => {
        state.lastRun = summary;
        return summary;
      })
      .finally(() => {
        state.running = null;
      });
    return state.running;
  }

  return {
    runNow: run,
    start(): void {
      lease.start();
      for (const state of states.values()) {
        state.cron = new Cron(state.job.schedule, { timezone: 'UTC', protect: true }, () => {
          void run(state.job.name);
        });
      }
    },
    async stop(): Promise<void> {
      for (const state of states.values()) state.cron?.stop();
      controller.abort();
      await Promise.all(
        [...states.values()].map((s) => (s.running ?? Promise.resolve()).catch(() => undefined)),
      );
      await lease.stop();
    },
    status(): PollerStatus[] {
      return [...states.values()].map((s) => ({
        name: s.job.name,
        schedule: s.job.schedule,
        running: s.running !== null,
        lastRun: s.lastRun,
        lastSuccessAt: s.lastSuccessAt,
        nextRunAt: s.cron?.nextRun()?.toISOString() ?? null,
        leader: lease.isLeader(),
      }));
    },
  };
}
