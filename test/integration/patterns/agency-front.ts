/**
 * A thin HTTP front over the in-process simulator, for P1: it serves `sim.app.fetch` (so the
 * simulator's own faults, drops included, behave exactly as over `sim.listen()`), records every
 * request's arrival time, business key and answer, and gives each 429 a seeded `Retry-After` of
 * 1–3 s (the simulator has one fixed value). From the records, `retryAfterViolations` counts
 * requests that arrived while an earlier Retry-After was still running (RELIABILITY.md P1:
 * "0 requests sent before a Retry-After expired"), without touching the simulator's code.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Simulator } from '../../../adapters/agency/simulator/index.ts';

const PARTNER_BASE = '/api/v1/partner';

export interface FrontRecord {
  /** Arrival (ms, monotonic clock of the test process). */
  at: number;
  endpoint: string;
  /** Invoice number of a create, an action or a case read by number; `case:<id>` by case id. */
  key: string | null;
  status: number | null;
  /** When the answer left the handler (null while running). */
  answeredAt: number | null;
  dropped: boolean;
  retryAfterMs: number | null;
}

export interface AgencyFront {
  baseUrl: string;
  records: FrontRecord[];
  close(): Promise<void>;
}

function keyOf(method: string, url: URL, body: string): string | null {
  if (method === 'GET') {
    const n = url.searchParams.get('invoiceNumber');
    if (n) return n;
    const c = url.searchParams.get('caseId');
    return c ? `case:${c}` : null;
  }
  try {
    const json = JSON.parse(body) as {
      invoice?: { header?: { number?: string | number } };
      actions?: { invoiceNumber?: string | number }[];
    };
    const n = json.invoice?.header?.number ?? json.actions?.[0]?.invoiceNumber;
    return n === undefined ? null : String(n);
  } catch {
    return null;
  }
}

export async function startAgencyFront(
  sim: Simulator,
  options: { random: () => number; retryAfterSeconds: [number, number] },
): Promise<AgencyFront> {
  const records: FrontRecord[] = [];
  const [lo, hi] = options.retryAfterSeconds;
  const server = createAdaptorServer({
    hostname: '127.0.0.1',
    fetch: async (req: Request, bindings: unknown) => {
      const env = bindings as { incoming: IncomingMessage };
      const record: FrontRecord = {
        at: performance.now(),
        endpoint: '',
        key: null,
        status: null,
        answeredAt: null,
        dropped: false,
        retryAfterMs: null,
      };
      records.push(record);
      const url = new URL(req.url);
      record.endpoint = `${req.method} ${url.pathname.slice(PARTNER_BASE.length)}`;
      const body = req.method === 'POST' ? await req.clone().text() : '';
      record.key = keyOf(req.method, url, body);
      let res = await sim.app.fetch(req, env);
      record.answeredAt = performance.now();
      if (env.incoming.socket.destroyed) {
        record.dropped = true;
        return res;
      }
      record.status = res.status;
      if (res.status === 429) {
        const s = lo + Math.floor(options.random() * (hi - lo + 1));
        const headers = new Headers(res.headers);
        headers.set('Retry-After', String(s));
        record.retryAfterMs = s * 1000;
        res = new Response(res.body, { status: 429, headers });
      }
      return res;
    },
  }) as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${PARTNER_BASE}`,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

export interface RetryAfterReport {
  /** 429 answers with a Retry-After. */
  windows: number;
  /** Requests that arrived more than `graceMs` after a 429 left and before its Retry-After ended. */
  early: number;
  /** The same, counting only requests for the 429's own business key. */
  earlyForKey: number;
  /** The largest amount by which a request beat a running Retry-After (ms). */
  worstMs: number;
  /** The latest an early request arrived after its 429 left (ms): small = already on the wire. */
  latestAfter429Ms: number;
}

/**
 * Checks every request against every running Retry-After window. `graceMs` covers requests the
 * client had already put on the wire before the 429 reached it (loopback plus the test's event
 * loop). `caseToInvoice` maps `case:<id>` keys to invoice numbers.
 */
export function retryAfterViolations(
  records: FrontRecord[],
  graceMs: number,
  caseToInvoice: Map<string, string> = new Map(),
): RetryAfterReport {
  const key = (r: FrontRecord) =>
    r.key?.startsWith('case:') ? (caseToInvoice.get(r.key.slice(5)) ?? r.key) : r.key;
  const windows = records
    .filter((r) => r.retryAfterMs !== null && r.answeredAt !== null)
    .map((r) => ({
      answeredAt: r.answeredAt!,
      from: r.answeredAt! + graceMs,
      to: r.answeredAt! + r.retryAfterMs!,
      key: key(r),
    }))
    .sort((a, b) => a.from - b.from);
  const report: RetryAfterReport = {
    windows: windows.length,
    early: 0,
    earlyForKey: 0,
    worstMs: 0,
    latestAfter429Ms: 0,
  };
  for (const r of records) {
    let hit = false;
    let hitKey = false;
    for (const w of windows) {
      if (w.from > r.at) break;
      if (r.at < w.to) {
        hit = true;
        report.worstMs = Math.max(report.worstMs, w.to - r.at);
        report.latestAfter429Ms = Math.max(report.latestAfter429Ms, r.at - w.answeredAt);
        if (w.key !== null && w.key === key(r)) hitKey = true;
      }
    }
    if (hit) report.early += 1;
    if (hitKey) report.earlyForKey += 1;
  }
  return report;
}
