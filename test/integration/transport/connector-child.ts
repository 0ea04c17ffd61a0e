/**
 * The transport harness in a child process, started with the product's memory flags (as
 * `npm start` runs it), so a test can measure the connector's RSS apart from the test's own
 * machinery (fault proxy, checker, simulator). Driven over IPC by `forkConnector()`:
 *   start, stop; status (broker status + healthy), readyz, timeline (broker events), logs
 *   (lines with one message), counts (store); publishRows: the A2 load (rows inserted, then
 *   published by concurrent callers, then swept until none is pending)
 */
import type { OutboxRow } from '../../../adapters/store/index.ts';
import { startHarness, type Harness, type HarnessOptions } from './harness.ts';
import { rowId } from './workload.ts';

type Request =
  | { id: number; cmd: 'start'; options: Omit<HarnessOptions, 'configure'> }
  | {
      id: number;
      cmd: 'publishRows';
      runId: string;
      rows: number;
      callers: number;
      rowsPerCall: number;
    }
  | { id: number; cmd: 'status' }
  | { id: number; cmd: 'readyz' }
  | { id: number; cmd: 'timeline' }
  | { id: number; cmd: 'logs'; msg: string }
  | { id: number; cmd: 'counts' }
  | { id: number; cmd: 'stop' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let h: Harness | null = null;

/** Row `i` of a run, the same every time it is built (its id is `rowId(runId, i)`). */
function resultRow(exchange: string, runId: string, i: number): OutboxRow {
  const id = rowId(runId, i);
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    source: 'agency-connector',
    type: 'invoice.accepted',
    time: new Date().toISOString(),
    causationid: `${runId}-cause-${i}`,
    subject: String(800_000 + i),
    datacontenttype: 'application/json',
    data: {
      invoiceNumber: String(800_000 + i),
      caseId: 100_000 + i,
      distributionStatus: 'RECEIVED',
      grossAmount: '150.00',
      currency: 'EUR',
    },
  });
  return {
    id,
    exchange,
    routingKey: 'acme.invoice.accepted',
    body,
    headers: { 'x-correlation-id': id },
    state: 'PENDING',
    attempts: 0,
    lastError: null,
    createdAt: new Date().toISOString(),
    sentAt: null,
  };
}

/**
 * The rows go into the store first (built and dropped batch by batch, so 200,000 fit in the
 * product's heap), then are published as many concurrent callers would: each call rebuilds its
 * batch (same ids) and hands it to the relay.
 */
async function publishRows(
  harness: Harness,
  runId: string,
  count: number,
  callers: number,
  rowsPerCall: number,
): Promise<Record<string, unknown>> {
  const exchange = harness.config.broker.outboundExchange;
  const batch = (from: number) =>
    Array.from({ length: Math.min(rowsPerCall, count - from) }, (_, k) =>
      resultRow(exchange, runId, from + k),
    );
  for (let i = 0; i < count; i += rowsPerCall) await harness.store.commit({ outbox: batch(i) });
  process.send!({ event: 'rows-ready' });
  let peakInFlight = 0;
  const monitor = setInterval(() => {
    peakInFlight = Math.max(peakInFlight, harness.broker.status().unconfirmed);
  }, 2);
  const start = Date.now();
  let next = 0;
  let calls = 0;
  let incompleteCalls = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < count) {
        const from = next;
        next += rowsPerCall;
        calls += 1;
        if (!(await harness.connector.relay.publishRows(batch(from)))) incompleteCalls += 1;
      }
    }),
  );
  const callsDoneMs = Date.now() - start;
  // What timed out waiting is PENDING again: sweeps publish it, as after any outage.
  while ((await harness.store.counts()).outboxPending > 0) {
    if ((await harness.connector.relay.sweep()) === 0) await sleep(250);
  }
  clearInterval(monitor);
  return {
    cap: harness.config.broker.maxInFlightPublishes,
    peakInFlight,
    incompleteCalls,
    calls,
    failures: harness.connector.relay.failures,
    callsDoneMs,
    allSentMs: Date.now() - start,
  };
}

async function handle(req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'start':
      h = await startHarness(req.options);
      return { ok: true };
    case 'publishRows':
      return publishRows(h!, req.runId, req.rows, req.callers, req.rowsPerCall);
    case 'status':
      return { ...h!.broker.status(), healthy: h!.healthy() };
    case 'readyz':
      return h!.readyz();
    case 'timeline':
      return h!.timeline;
    case 'logs':
      return h!.logs.filter((l) => l.msg === req.msg);
    case 'counts':
      return h!.store.counts();
    case 'stop':
      await h?.stop();
      h = null;
      return { ok: true };
  }
}

process.on('message', (req: Request) => {
  handle(req).then(
    (result) => process.send!({ id: req.id, result }),
    (err: unknown) => process.send!({ id: req.id, error: String(err) }),
  );
});
process.on('unhandledRejection', (reason) => {
  process.send!({ event: 'unhandledRejection', reason: String(reason) });
});
process.on('disconnect', () => process.exit(0));
process.send!({ event: 'ready' });
