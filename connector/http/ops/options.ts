/** What the ops API and dashboard are given: the store, the action services and read ports. */
import type { Store } from '../../../adapters/store/index.ts';
import type {
  LimiterSnapshot,
  MinuteCount,
  PollerStatus,
  QueueDepth,
} from '../../metrics/index.ts';
import type { BulkReplay } from '../../ops/bulk-replay.ts';
import type { DeadLetterActions } from '../../ops/dead-letters.ts';
import type { TaskActionsPort } from '../../ops/tasks.ts';
import type { ReadinessReport } from '../app.ts';
import type { OpsAuth } from './auth.ts';

export interface PollersPort {
  status(): PollerStatus[];
  runNow(name: string): Promise<unknown>;
}

export interface OpsOptions {
  store: Store;
  auth: OpsAuth;
  deadLetters: DeadLetterActions;
  bulk: BulkReplay;
  tasks: TaskActionsPort;
  pollers?: PollersPort | undefined;
  health: () => Promise<ReadinessReport>;
  limiter?: (() => LimiterSnapshot) | undefined;
  queues?: (() => Promise<QueueDepth[]>) | undefined;
  throughput?: (() => MinuteCount[]) | undefined;
  /** Request body limit of ops writes (default 64 KiB). */
  maxBodyBytes?: number;
}
