/**
 * Settings of the simulator's lifecycle and faults, with their defaults. The fault settings can
 * be changed at run time (`setFaults`, `PUT /_sim/faults`); `faultSettingsSchema` validates them.
 */
import { z } from 'zod';

/** How invoices and cases move on the simulated clock (spec §13). */
export interface LifecycleSettings {
  /** Distribution happens at the first clock advance at least this long after the create. Default 0. */
  distributionDelayMs: number;
  /** A received action is applied at the first clock advance at least this long after it arrived. Default 0. */
  actionDelayMs: number;
  /** Apply actions while answering `POST /invoice/action` instead of on the next advance. Default false. */
  applyActionsImmediately: boolean;
  /** Days after the due date at which an unpaid case moves to REMINDER / NOTICE / COLLECTION. Defaults 7, 21, 35. */
  reminderAfterDays: number;
  noticeAfterDays: number;
  collectionAfterDays: number;
  /** Fees added to the case costs at each stage, in cents. Defaults 500, 1000, 2500. */
  reminderFeeCents: number;
  noticeFeeCents: number;
  collectionFeeCents: number;
  /** Penalty interest per year on the capital, when the invoice's terms give none. Default 8. */
  penaltyInterestPercent: number;
  /** Hour (UTC) of the automatic settlement run on a settlement weekday. Default 6. */
  settlementHourUtc: number;
}

export const DEFAULT_LIFECYCLE: LifecycleSettings = {
  distributionDelayMs: 0,
  actionDelayMs: 0,
  applyActionsImmediately: false,
  reminderAfterDays: 7,
  noticeAfterDays: 21,
  collectionAfterDays: 35,
  reminderFeeCents: 500,
  noticeFeeCents: 1000,
  collectionFeeCents: 2500,
  penaltyInterestPercent: 8,
  settlementHourUtc: 6,
};

/** The kinds of fault a request can meet (ledger `fault`, `FaultSettings.next`). */
export type FaultKind =
  | 'error-500'
  | 'error-503'
  | 'random-429'
  | 'rate-limited'
  | 'conflict-409'
  | 'commit-then-500'
  | 'commit-then-drop'
  | 'slow-body';

/** Endpoint names used by faults, counts and the ledger, e.g. `POST /invoice`. */
export type EndpointName =
  | 'POST /invoice'
  | 'POST /invoice/action'
  | 'GET /invoice/case'
  | 'GET /invoice/distribution'
  | 'GET /payments'
  | 'GET /settlements'
  | 'GET /validate'
  | 'GET /renew';

/**
 * Faults injected into partner API answers. Shares are probabilities in [0, 1] drawn from the
 * seeded PRNG, so a run with the same seed and the same requests meets the same faults.
 */
export interface FaultSettings {
  /** Added latency before answering: a fixed ms value, or a uniform `[min, max]` range. Default 0. */
  latencyMs: number | [number, number];
  /** Share answered 500 before anything is committed. */
  error500Rate: number;
  /** Share answered 503 (with `Retry-After`) before anything is committed. */
  error503Rate: number;
  /** Share answered 429 (with `Retry-After`) on top of the rate limit. */
  random429Rate: number;
  /** Share of `POST /invoice` answered 409 "Invoice number already exists" without committing. */
  conflict409Rate: number;
  /** Share of successful writes that are committed, then answered 500. */
  commitThen500Rate: number;
  /** Share of successful requests that are committed, then lose their connection (no answer). */
  commitThenDropRate: number;
  /** Share of answers whose body is streamed slowly. */
  slowBodyRate: number;
  /** Slow bodies: bytes per chunk and pause between chunks. Defaults 16 and 50. */
  slowBodyChunkBytes: number;
  slowBodyChunkDelayMs: number;
  /** `Retry-After` seconds on 503 and random 429 answers. Default 1. */
  retryAfterSeconds: number;
  /** Restrict faults to these endpoints; empty = all endpoints. */
  endpoints: EndpointName[];
  /**
   * Scripted faults, consumed one per (matching) request before any random draw: `'none'`
   * lets a request through. E.g. `['commit-then-drop']` drops the next answer only.
   */
  next: (FaultKind | 'none')[];
}

export const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  error500Rate: 0,
  error503Rate: 0,
  random429Rate: 0,
  conflict409Rate: 0,
  commitThen500Rate: 0,
  commitThenDropRate: 0,
  slowBodyRate: 0,
  slowBodyChunkBytes: 16,
  slowBodyChunkDelayMs: 50,
  retryAfterSeconds: 1,
  endpoints: [],
  next: [],
};

const share = z.number().min(0).max(1);
const ms = z.number().int().min(0);

/** Validates a partial `FaultSettings` (admin `PUT /_sim/faults`). */
export const faultSettingsSchema = z
  .strictObject({
    latencyMs: z.union([ms, z.tuple([ms, ms])]),
    error500Rate: share,
    error503Rate: share,
    random429Rate: share,
    conflict409Rate: share,
    commitThen500Rate: share,
    commitThenDropRate: share,
    slowBodyRate: share,
    slowBodyChunkBytes: z.number().int().min(1),
    slowBodyChunkDelayMs: ms,
    retryAfterSeconds: z.number().int().min(0),
    endpoints: z.array(
      z.enum([
        'POST /invoice',
        'POST /invoice/action',
        'GET /invoice/case',
        'GET /invoice/distribution',
        'GET /payments',
        'GET /settlements',
        'GET /validate',
        'GET /renew',
      ]),
    ),
    next: z.array(
      z.enum([
        'none',
        'error-500',
        'error-503',
        'random-429',
        'rate-limited',
        'conflict-409',
        'commit-then-500',
        'commit-then-drop',
        'slow-body',
      ]),
    ),
  })
  .partial();

/** Merges a partial update into fault settings, checking it first (throws a zod error). */
export function mergeFaults(current: FaultSettings, update: Partial<FaultSettings>): FaultSettings {
  const checked = faultSettingsSchema.parse(update) as Partial<FaultSettings>;
  return { ...current, ...checked };
}
