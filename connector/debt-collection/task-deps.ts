/** What the debt-collection scheduler and its approval functions need. */
import type { Store } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import type { Logger } from '../logger.ts';
import type { MappingPort } from '../pipeline/mapping-port.ts';
import type { OutboxRelay } from '../pipeline/outbox-relay.ts';
import type { AgencyPort } from '../pipeline/ports.ts';

export interface TaskServiceOptions {
  store: Store;
  agency: AgencyPort;
  /** Maps `invoice.created` (a task's invoice) and `debt_collection.cancel_requested` (WITHDRAW). */
  mapper: MappingPort;
  config: ConnectorConfig;
  logger: Logger;
  now?: () => Date;
  /** Publishes rows at once; without it the outbox sweep publishes them. */
  relay?: Pick<OutboxRelay, 'publishRows'>;
  signal?: AbortSignal;
}

export interface TaskRunSummary {
  calls: number;
  events: number;
  sent: number;
  waiting: number;
  checked: number;
  collected: number;
  cancelled: number;
  failed: number;
}

export function emptyRunSummary(): TaskRunSummary {
  return {
    calls: 0,
    events: 0,
    sent: 0,
    waiting: 0,
    checked: 0,
    collected: 0,
    cancelled: 0,
    failed: 0,
  };
}

export function isAgencyErrorKind(err: unknown, ...kinds: string[]): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const kind = (err as { kind?: unknown }).kind;
  return typeof kind === 'string' && kinds.includes(kind);
}
