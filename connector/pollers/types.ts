/**
 * What the pollers need and what they report. The agency and mapper are narrow ports: the real
 * agency client and the mapping runner satisfy them structurally; tests pass the simulator-backed
 * client and the real mappings.
 */
import type {
  CaseDetails,
  DateWindow,
  DistributionQuery,
  DistributionResponse,
  PaymentRecord,
  Settlement,
  SettlementsQuery,
} from '../../adapters/agency/index.ts';
import type { Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import type { Logger } from '../logger.ts';
import type { OutboxRelay } from '../pipeline/outbox-relay.ts';
import type { AgencyCallOptions } from '../pipeline/ports.ts';

export type PollerName = 'distribution' | 'cases' | 'payments' | 'settlements';
export type JobName = PollerName | 'debt-collection';
export const POLLER_NAMES: readonly PollerName[] = [
  'distribution',
  'cases',
  'payments',
  'settlements',
];

export type PollCallOptions = AgencyCallOptions;

export interface PollAgency {
  getDistribution(q: DistributionQuery, o?: PollCallOptions): Promise<DistributionResponse>;
  getCase(
    q: { caseId: string } | { invoiceNumber: string },
    o?: PollCallOptions,
  ): Promise<CaseDetails>;
  getPayments(q: DateWindow, o?: PollCallOptions): Promise<PaymentRecord[]>;
  getSettlements(q: SettlementsQuery, o?: PollCallOptions): Promise<Settlement[]>;
}

/** The outbound half of the mapping runner (`MappingRunner.mapOutbound`). */
export interface OutboundMapper {
  mapOutbound(
    adapter: string,
    type: string,
    input: unknown,
  ): Promise<Record<string, unknown> | null>;
}

/** Where outbox rows go after their commit (the outbox relay; its sweep covers a failure). */
export type RowPublisher = Pick<OutboxRelay, 'publishRows'>;

export interface PollerDeps {
  store: Store;
  agency: PollAgency;
  mapper: OutboundMapper;
  relay: RowPublisher;
  config: ConnectorConfig;
  logger: Logger;
  now: () => Date;
  /** The inbound queue of a source (parked events are released to it). */
  inboundQueue(source: string): string;
  /** Aborted on stop: a run ends after its current page. */
  signal: AbortSignal;
}

/** What one run did; the ops API answers `run now` with it. */
export interface RunSummary {
  name: JobName;
  result: 'ok' | 'failed' | 'not_leader' | 'stopped';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Agency calls made. */
  calls: number;
  /** Outbound events written (and published, or left to the outbox sweep). */
  events: number;
  /** The cursor as stored at the end of the run (null for pollers without one). */
  cursor: unknown;
  /** Poller-specific figures (records read, unchanged, discrepancies, budget …). */
  detail: Record<string, number | string>;
  error?: string;
}

/** What a poller's run function returns (the scheduler adds name, times and result). */
export type RunOutcome = Pick<RunSummary, 'calls' | 'events' | 'cursor' | 'detail'> & {
  stopped?: boolean;
};

export interface PollerStatus {
  name: JobName;
  schedule: string;
  running: boolean;
  lastRun: RunSummary | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  leader: boolean;
}
