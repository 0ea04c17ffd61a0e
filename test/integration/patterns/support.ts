/**
 * Shared pieces of the pattern acceptance tests (RELIABILITY.md §2.5, §3.4): the fault seed
 * (`FAULT_SEED` re-runs one, printed on failure), the CI/full size switch (`FULL_FAULTS=1`),
 * fast confirmed publishing, the connector child's JSON log lines, its metrics, and waiting for
 * the results of a workload on `agency.events`.
 */
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { waitUntil, type RawAmqp } from '../../helpers/amqp.ts';
import type { ConnectorProcess } from '../../helpers/connector-process.ts';
import type { TestEvent } from '../../helpers/events.ts';
import { answeredIds } from '../../helpers/ledger-check.ts';

export const FULL = process.env.FULL_FAULTS === '1';

/** The seed of every fault decision: `FAULT_SEED` when set, else a fresh one. */
export function faultSeed(): number {
  const fromEnv = process.env.FAULT_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv);
  return Date.now() % 1_000_000;
}

/** Runs the test body; on failure prints how to re-run it with the same faults. */
export async function withSeed(name: string, seed: number, body: () => Promise<void>) {
  try {
    await body();
  } catch (err) {
    console.error(`${name} failed: re-run with FAULT_SEED=${seed}`);
    throw err;
  }
}

/**
 * Publishes persistent messages with confirms, `window` outstanding at a time. `channel` must be
 * a confirm channel (RawAmqp's is one, typed as a plain Channel).
 */
export async function publishEvents(
  rawChannel: Channel,
  exchange: string,
  events: (TestEvent | { routingKey: string; body: string | Buffer; id: string })[],
  window = 200,
): Promise<void> {
  const channel = rawChannel as ConfirmChannel;
  for (let i = 0; i < events.length; i += window) {
    for (const e of events.slice(i, i + window)) {
      channel.publish(
        exchange,
        e.routingKey,
        Buffer.isBuffer(e.body) ? e.body : Buffer.from(e.body),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: e.id,
        },
      );
    }
    await channel.waitForConfirms();
  }
}

/** A readable event id for `envelope()` (typed as a UUID there, any 1–200 chars in the contract). */
export function eventId(id: string): ReturnType<typeof crypto.randomUUID> {
  return id as ReturnType<typeof crypto.randomUUID>;
}

export function seededShuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface LogLine {
  msg?: string;
  level?: number;
  time?: string;
  [key: string]: unknown;
}

/** The child's stdout as parsed pino lines (non-JSON lines are skipped). */
export function logLines(proc: ConnectorProcess): LogLine[] {
  const out: LogLine[] = [];
  for (const line of proc.output.join('').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // a line cut in two by chunking, or stderr text
    }
  }
  return out;
}

/** The HTTP port the child bound (logged just after "connector started"). */
export async function httpPortOf(proc: ConnectorProcess): Promise<number> {
  let port: number | null = null;
  await waitUntil(
    () => {
      const line = logLines(proc).find((l) => l.msg === 'http server listening');
      port = typeof line?.port === 'number' ? line.port : null;
      return port !== null;
    },
    10_000,
    'the http port log line',
  );
  return port!;
}

/** Sum of a Prometheus metric's samples whose labels include all of `labels`. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/u.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

export async function scrapeMetrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** Waits until every event id has a result on agency.events. */
export async function waitForAnswers(
  messages: ConsumeMessage[],
  ids: string[],
  timeoutMs: number,
): Promise<void> {
  let seen = 0;
  const answered = new Set<string>();
  const waiting = new Set(ids);
  await waitUntil(
    () => {
      if (messages.length > seen) {
        for (const id of answeredIds(messages.slice(seen))) answered.add(id);
        seen = messages.length;
        for (const id of waiting) if (answered.has(id)) waiting.delete(id);
      }
      return waiting.size === 0;
    },
    timeoutMs,
    `a result for each of ${ids.length} events`,
  );
}

/** Ready messages in a queue, or -1 while it does not exist (yet). */
export async function depth(raw: RawAmqp, queue: string): Promise<number> {
  return raw.messageCount(queue).catch(() => -1);
}

/** Waits until the connector has declared these queues (it declares after "connector started"). */
export async function waitForQueues(raw: RawAmqp, queues: string[]): Promise<void> {
  await waitUntil(
    async () => (await Promise.all(queues.map((q) => depth(raw, q)))).every((n) => n >= 0),
    15_000,
    `queues ${queues.join(', ')}`,
  );
}

/**
 * Notes when each collected message arrived (polled every 100 ms): `times[i]` is the arrival of
 * `messages[i]` in ms since the epoch. Call `stop()` when done.
 */
export function stampArrivals(messages: ConsumeMessage[]): { times: number[]; stop(): void } {
  const times: number[] = [];
  const timer = setInterval(() => {
    while (times.length < messages.length) times.push(Date.now());
  }, 100);
  return {
    times,
    stop() {
      clearInterval(timer);
      while (times.length < messages.length) times.push(Date.now());
    },
  };
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
