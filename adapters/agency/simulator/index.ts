/**
 * The agency simulator: a Hono app that behaves like the agency's partner API (CFIS, spec §13),
 * on a simulated clock, with injectable faults and a ledger of every request. Used in process
 * (`app.request()`), over HTTP (`listen()`), and by the `simulator` CLI command.
 */
import type { Hono } from 'hono';
import { createSimApp } from './app.ts';
import { createSimClock } from './clock.ts';
import type { SimClock } from './clock.ts';
import { createEngine } from './engine.ts';
import type { SimEngine } from './engine.ts';
import { SimHttpError } from './http-error.ts';
import { createLedger } from './ledger.ts';
import { advanceTo } from './lifecycle.ts';
import { payInvoice } from './payments.ts';
import { createPrng } from './prng.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { RateLimitSettings } from './rate-limit.ts';
import type { SimEnv, SimRuntime } from './runtime.ts';
import { listenSimulator } from './server.ts';
import type { ListenOptions, RunningServer } from './server.ts';
import { DEFAULT_FAULTS, DEFAULT_LIFECYCLE, mergeFaults } from './settings.ts';
import type { FaultSettings, LifecycleSettings } from './settings.ts';
import { runSettlementNow } from './settlement.ts';
import { buildStateView } from './state-view.ts';
import type { SimStateView } from './state-view.ts';
import { paymentJson, settlementJson } from './wire.ts';
import type { WirePayment, WireSettlement } from './wire-types.ts';

export type { SimClock, AutoAdvanceOptions } from './clock.ts';
export { startAutoAdvance } from './clock.ts';
export type { LifecycleSettings, FaultSettings, FaultKind, EndpointName } from './settings.ts';
export { DEFAULT_FAULTS, DEFAULT_LIFECYCLE } from './settings.ts';
export type { SimStateView, SimInvoiceView, SimActionView } from './state-view.ts';
export type { LedgerEntry, LedgerAction } from './ledger.ts';
export type {
  WireCase,
  WireCaseEvent,
  WirePayment,
  WireSettlement,
  WireDistribution,
} from './wire-types.ts';
export type { ListenOptions, RunningServer } from './server.ts';
export type { RateLimitSettings } from './rate-limit.ts';
export { SimHttpError, SimulatedDropError } from './http-error.ts';
export type { SimEnv } from './runtime.ts';

export interface SimulatorOptions {
  /** Accepted `X-Api-Key` values, one client account each. Default `['sim-key']`. */
  apiKeys?: string[];
  /** PRNG seed for faults and renewed keys. Default 1. */
  seed?: number;
  /** Start of the simulated clock. Default the real now. */
  now?: Date;
  /** Per-account token bucket on real time; null = off (default). */
  rateLimit?: RateLimitSettings | null;
  lifecycle?: Partial<LifecycleSettings>;
  faults?: Partial<FaultSettings>;
  /** Weekdays (0 = Sunday … 6) with an automatic settlement run. Default `[2, 4]`. */
  settlementWeekdays?: number[];
  /** Keep each POST body in the ledger. Default true (turn off for large runs). */
  recordBodies?: boolean;
  /** Sleep used for latency and slow bodies (tests inject a fake). Default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Real-time source of the rate limiter (tests inject a fake). Default `performance.now`. */
  realTimeMs?: () => number;
}

export interface PayOptions {
  date?: string;
  reference?: string;
  /** Account id (`acct-1` for the first key …). Default the first account. */
  account?: string;
}

export interface Simulator {
  readonly app: Hono<SimEnv>;
  readonly clock: SimClock;
  listen(options?: ListenOptions): Promise<RunningServer>;
  state(): SimStateView;
  setFaults(f: Partial<FaultSettings>): void;
  /** A debtor pays the agency (throws `SimHttpError` 404/409/400 when it cannot). */
  pay(invoiceNumber: string, amount: string, options?: PayOptions): WirePayment;
  /** A settlement run now (besides the automatic ones on settlement weekdays). */
  runSettlement(): WireSettlement[];
  /** Forgets everything: state, ledger, renewed keys; clock back to its start; faults to the options. */
  reset(): void;
}

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const apiKeys = options.apiKeys ?? ['sim-key'];
  if (apiKeys.length === 0) throw new RangeError('apiKeys must not be empty');
  const seed = options.seed ?? 1;
  const startMs = (options.now ?? new Date()).getTime();
  const lifecycle: LifecycleSettings = { ...DEFAULT_LIFECYCLE, ...options.lifecycle };
  const newEngine = (): SimEngine =>
    createEngine({
      apiKeys,
      lifecycle,
      settlementWeekdays: options.settlementWeekdays ?? [2, 4],
      startMs,
    });
  const realTimeMs = options.realTimeMs ?? (() => performance.now());
  const newLimiter = () =>
    options.rateLimit ? createRateLimiter(options.rateLimit, realTimeMs) : null;

  const rt: SimRuntime = {
    engine: newEngine(),
    ledger: createLedger(),
    faults: mergeFaults(DEFAULT_FAULTS, options.faults ?? {}),
    prng: createPrng(seed),
    limiter: newLimiter(),
    recordBodies: options.recordBodies ?? true,
    sleep: options.sleep ?? realSleep,
    newKey: () => {
      rt.engine.state.renewCount++;
      const tail = Math.floor(rt.prng.next() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
      return `sim-renewed-${rt.engine.state.renewCount}-${tail}`;
    },
    advanceTo: (targetMs) => void advanceTo(rt.engine, targetMs),
  };

  const clock = createSimClock(
    () => rt.engine.nowMs,
    (targetMs) => rt.advanceTo(targetMs),
  );
  const account = (id: string | undefined) => {
    const found =
      id === undefined
        ? rt.engine.state.accounts[0]
        : rt.engine.state.accounts.find((a) => a.id === id);
    if (!found) throw new SimHttpError(404, `Unknown account ${String(id)}`);
    return found;
  };

  const state = (): SimStateView => buildStateView(rt.engine, rt.ledger);
  const setFaults = (f: Partial<FaultSettings>): void => {
    rt.faults = mergeFaults(rt.faults, f);
  };
  const pay = (invoiceNumber: string, amount: string, payOptions: PayOptions = {}): WirePayment =>
    plain<WirePayment>(
      paymentJson(
        payInvoice(rt.engine, account(payOptions.account), invoiceNumber, amount, payOptions),
      ),
    );
  const runSettlement = (): WireSettlement[] =>
    plain<WireSettlement[]>(runSettlementNow(rt.engine).map(settlementJson));
  const reset = (): void => {
    rt.engine = newEngine();
    rt.ledger = createLedger();
    rt.faults = mergeFaults(DEFAULT_FAULTS, options.faults ?? {});
    rt.prng = createPrng(seed);
    rt.limiter = newLimiter();
  };
  const app = createSimApp(rt, {
    now: () => clock.now(),
    advance: (ms) =>
      plain<WireSettlement[]>(advanceTo(rt.engine, rt.engine.nowMs + ms).map(settlementJson)),
    pay,
    runSettlement,
    state,
    faults: () => rt.faults,
    setFaults,
    reset,
  });
  return {
    app,
    clock,
    listen: (listenOptions) => listenSimulator(app, listenOptions),
    state,
    setFaults,
    pay,
    runSettlement,
    reset,
  };
}
