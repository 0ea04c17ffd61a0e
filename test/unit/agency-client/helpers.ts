/**
 * Shared test helpers for the agency client: a client factory with test defaults, a recording
 * logger, sleeps that record their waits (immediate or released by hand), and a fetch stub.
 */
import { randomUUID } from 'node:crypto';
import {
  createAgencyClient,
  type AgencyClient,
  type AgencyClientOptions,
} from '../../../adapters/agency/index.ts';

export const ORIGIN = 'http://agency.test';
export const BASE_PATH = '/api/v1/partner';
export const BASE_URL = `${ORIGIN}${BASE_PATH}`;
export const CANARY_KEY = `CANARY-KEY-${randomUUID()}`;

export interface LogLine {
  level: string;
  obj: object;
  msg: string | undefined;
}

export function recordingLogger() {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn') } };
}

/** A sleep that resolves at once and records every requested wait. */
export function immediateSleep() {
  const waits: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    waits.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return Promise.resolve();
  };
  return { waits, sleep };
}

/** A sleep that resolves only when the test releases it (or rejects when its signal aborts). */
export function manualSleep() {
  const pending: { ms: number; resolve: () => void }[] = [];
  const waits: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waits.push(ms);
      if (signal?.aborted) return reject(signal.reason as Error);
      const entry = { ms, resolve };
      pending.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const i = pending.indexOf(entry);
          if (i >= 0) pending.splice(i, 1);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });
  return {
    sleep,
    waits,
    pending,
    releaseAll() {
      for (const entry of pending.splice(0)) entry.resolve();
    },
  };
}

export function makeClient(overrides: Partial<AgencyClientOptions> = {}): AgencyClient {
  return createAgencyClient({
    baseUrl: BASE_URL,
    apiKey: CANARY_KEY,
    rateLimit: { requestsPerSecond: 1000, maxConcurrent: 4, instances: 1 },
    retry: { retries: 3, minDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 },
    timeoutMs: 2000,
    random: () => 0.5,
    sleep: immediateSleep().sleep,
    circuit: { failureThreshold: 1000, openMs: 1000 },
    ...overrides,
  });
}

/** Polls a condition on the event loop (no fixed sleeps): resolves once it holds, or fails. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function connectRefused(): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  });
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A fetch stub: each call is recorded and answered by `answer`, honouring the abort signal. */
export function stubFetch(
  answer: (url: string, init: RequestInit, index: number) => Promise<Response> | Response,
) {
  const calls: { url: string; method: string; headers: Headers; body: string | undefined }[] = [];
  const fetchStub = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    calls.push({
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    const signal = init.signal;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      Promise.resolve()
        .then(() => answer(url, init, calls.length - 1))
        .then(resolve, reject);
    });
  };
  return { calls, fetch: fetchStub };
}

/** A promise with its resolve function, for gates in tests. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets `n` timer turns pass (the limiter starts queued jobs from its timer). */
export async function timerTurns(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
