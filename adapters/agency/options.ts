/**
 * The agency client's public types and option defaults.
 */
import type { CallPriority } from './limiter.ts';
import type {
  CaseDetails,
  CreateActionsRequest,
  CreateActionsResponse,
  CreateInvoiceRequest,
  DateWindow,
  DistributionQuery,
  DistributionResponse,
  PaymentRecord,
  Settlement,
  SettlementsQuery,
} from './types.ts';

export interface AgencyLogger {
  debug(o: object, m?: string): void;
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface AgencyRequestEvent {
  /** Path without base URL and query, e.g. `/invoice/case`. */
  endpoint: string;
  method: string;
  status: number | null;
  durationMs: number;
  /** `ok`, `already_exists` (409 on create), or the error kind (`circuit_open` for a fast fail). */
  outcome: string;
}

export interface AgencyClientOptions {
  /** e.g. `http://127.0.0.1:8090/api/v1/partner` (the client appends `/invoice` etc.). */
  baseUrl: string;
  apiKey: string;
  /** This instance uses requestsPerSecond / instances, spaced evenly (minTime). */
  rateLimit: { requestsPerSecond: number; maxConcurrent: number; instances: number };
  retry: { retries: number; minDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number };
  /** Per request, from the call until the whole answer is read. */
  timeoutMs: number;
  /** Default 5 MiB; a larger answer is aborted. */
  maxResponseBytes?: number;
  /** Default 5 consecutive failures, open 30 s. */
  circuit?: { failureThreshold: number; openMs: number };
  logger?: AgencyLogger;
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRequest?: (e: AgencyRequestEvent) => void;
}

export interface AgencyAnswerRecord {
  at: string;
  method: string;
  path: string;
  status: number | null;
  summary: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  priority?: CallPriority;
  /** Told about every attempt that reached the network (evidence for dead letters). */
  onAnswer?: (a: AgencyAnswerRecord) => void;
}

export interface BackpressureEvent {
  /** True while calls are held back (429 pause or open circuit). */
  paused: boolean;
  /** Epoch ms (the client's `now()`) when calls may flow again, if known. */
  untilMs: number | null;
  reason: string;
}

export interface LimiterState {
  queued: number;
  running: number;
  pausedUntil: number | null;
  circuit: 'closed' | 'open' | 'half-open';
}

export interface AgencyClient {
  /** 409 "already exists" resolves with `alreadyExisted: true`. */
  createInvoice(
    body: CreateInvoiceRequest,
    o?: CallOptions,
  ): Promise<{ invoiceNumber: string; status: string; alreadyExisted: boolean }>;
  /** Never retried after an ambiguous failure: throws AgencyError 'ambiguous' for reconciling. */
  createActions(body: CreateActionsRequest, o?: CallOptions): Promise<CreateActionsResponse>;
  /** 404 → AgencyError 'not_found'. */
  getCase(q: { caseId: string } | { invoiceNumber: string }, o?: CallOptions): Promise<CaseDetails>;
  getDistribution(q: DistributionQuery, o?: CallOptions): Promise<DistributionResponse>;
  getPayments(q: DateWindow, o?: CallOptions): Promise<PaymentRecord[]>;
  /** With `unfetchedOnly: true` the read marks settlements fetched, so it is not retried when ambiguous. */
  getSettlements(q: SettlementsQuery, o?: CallOptions): Promise<Settlement[]>;
  validateToken(o?: CallOptions): Promise<{ isValid: boolean; message: string }>;
  /** The new key is never logged; not retried when ambiguous (a lost answer may hold a new key). */
  renewToken(o?: CallOptions): Promise<{ newKey: string }>;
  /** Uses `newKey` from now on (the old one stays scrubbed from errors and logs). */
  setApiKey(newKey: string): void;
  /** One validate call without retries: ok when the agency answers and accepts the key. */
  checkConnection(): Promise<{ ok: true } | { ok: false; reason: string }>;
  limiterState(): LimiterState;
  /** Listeners told when calls are held back (429 pause or circuit open) and when they flow again. */
  onBackpressure(listener: (e: BackpressureEvent) => void): () => void;
  /** Cancels queued and in-flight calls: they reject with AgencyError 'aborted'. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_CIRCUIT = { failureThreshold: 5, openMs: 30_000 } as const;

const noop = (): void => {};
export const SILENT_LOGGER: AgencyLogger = { debug: noop, info: noop, warn: noop };
