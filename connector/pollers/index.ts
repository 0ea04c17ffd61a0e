/**
 * The agency pollers (distribution, cases, payments, settlements) and, when given, the
 * debt-collection task scheduler, each on its croner schedule from `config.pollers`, under one
 * leader lease so only one instance polls. `runNow(name)` runs one at once (the ops API's
 * `POST /api/ops/pollers/<name>/run`) and answers with the run's summary; `status()` lists last
 * run, next run, result, last success and duration.
 */
import type { Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import { brokerNames } from '../broker-names.ts';
import type { Logger } from '../logger.ts';
import { runCasePoll } from './case-poller.ts';
import { runDistributionPoll } from './distribution-poller.ts';
import { createJobScheduler, type Job } from './job-scheduler.ts';
import { createLeaderLease } from './leader-lease.ts';
import { runPaymentPoll } from './payment-poller.ts';
import { runSettlementPoll } from './settlement-poller.ts';
import type {
  JobName,
  OutboundMapper,
  PollAgency,
  PollerDeps,
  PollerStatus,
  RowPublisher,
  RunOutcome,
  RunSummary,
} from './types.ts';

export type * from './types.ts';
export { POLLER_NAMES } from './types.ts';
export { selectCases } from './case-selection.ts';
export { allocationAddsUp, SETTLEMENT_DISCREPANCY } from './settlement-rows.ts';
export { paymentKey } from './payment-poller.ts';

export interface PollersOptions {
  store: Store;
  agency: PollAgency;
  mapper: OutboundMapper;
  relay: RowPublisher;
  config: ConnectorConfig;
  logger: Logger;
  now?: () => Date;
  instanceId: string;
  /** Inbound queue of a source (released parked events go there). Default `<prefix>.<source>.inbound`. */
  inboundQueue?: (source: string) => string;
  /** The debt-collection scheduler, run as the job `debt-collection` on `pollers.debtCollection`. */
  tasks?: { runOnce(): Promise<{ calls: number; events: number }> };
}

export interface Pollers {
  start(): void;
  stop(): Promise<void>;
  runNow(name: JobName): Promise<RunSummary>;
  status(): PollerStatus[];
}

export function createPollers(options: PollersOptions): Pollers {
  const { config } = options;
  const logger = options.logger.child({ module: 'pollers' });
  const now = options.now ?? (() => new Date());
  const names = brokerNames(config);
  const deps = (signal: AbortSignal): PollerDeps => ({
    store: options.store,
    agency: options.agency,
    mapper: options.mapper,
    relay: options.relay,
    config,
    logger,
    now,
    inboundQueue: options.inboundQueue ?? names.inboundQueue,
    signal,
  });
  const poll =
    (fn: (d: PollerDeps) => Promise<RunOutcome>) =>
    (signal: AbortSignal): Promise<RunOutcome> =>
      fn(deps(signal));
  const p = config.pollers;
  const jobs: Job[] = [
    { name: 'distribution', schedule: p.distribution, run: poll(runDistributionPoll) },
    { name: 'cases', schedule: p.cases, run: poll(runCasePoll) },
    { name: 'payments', schedule: p.payments, run: poll(runPaymentPoll) },
    { name: 'settlements', schedule: p.settlements, run: poll(runSettlementPoll) },
  ];
  const tasks = options.tasks;
  if (tasks) {
    jobs.push({
      name: 'debt-collection',
      schedule: p.debtCollection,
      async run() {
        const { calls, events, ...rest } = await tasks.runOnce();
        return { calls, events, cursor: null, detail: rest };
      },
    });
  }
  const lease = createLeaderLease({
    store: options.store,
    owner: options.instanceId,
    ttlMs: p.leaseTtlMs,
    logger,
  });
  const scheduler = createJobScheduler({ jobs, lease, logger });
  let started = false;
  return {
    start() {
      if (started || !p.enabled) return;
      started = true;
      scheduler.start();
      logger.info({ jobs: jobs.map((j) => j.name) }, 'pollers started');
    },
    async stop() {
      await scheduler.stop();
    },
    runNow: (name) => scheduler.runNow(name),
    status: () => scheduler.status(),
  };
}
