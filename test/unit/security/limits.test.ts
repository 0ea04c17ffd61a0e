/**
 * RELIABILITY.md §6.8 S3, the HTTP and agency parts (the 2 MiB AMQP message is in
 * test/integration/security/limits.test.ts): over a real socket to the real HTTP server (port 0),
 * a 300 KiB ingress body → 413 before the handler runs, with Content-Length, chunked, and with
 * both headers (request smuggling shape); JSON nested 10,000 deep → 400 and the server still
 * answers; a 10 MiB agency answer → the read is cut at the 5 MiB cap and the call counts as
 * ambiguous (a create or action is reconciled before anything is sent again, §3.2).
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HonoRequest } from 'hono/request';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgencyError, createAgencyClient } from '../../../adapters/agency/index.ts';
import { decideOutcome } from '../../../connector/pipeline/outcome.ts';
import { envelope, invoiceData } from '../../helpers/events.ts';
import { ACME_TOKEN, createHarness, OPS_TOKEN, type Harness } from '../http/harness.ts';

const KIB = 1024;
const MIB = 1024 * KIB;

let h: Harness;
let port: number;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  h = await createHarness();
  port = await new Promise<number>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port),
    );
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    (server as Server).closeAllConnections();
    server.close(() => resolve());
  });
  await h.close();
});

interface RawAnswer {
  status: number;
  body: string;
  /** Request body bytes the socket accepted before the server answered or closed. */
  sent: number;
}

/**
 * One HTTP/1.1 request written by hand on a TCP socket, so that framing (Content-Length,
 * chunked, both) is exactly what the test says; the body goes out in 16 KiB pieces.
 */
function rawRequest(
  head: Record<string, string>,
  path: string,
  body: Buffer,
  framing: 'length' | 'chunked' | 'both',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const headers: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      connection: 'close',
      ...head,
    };
    if (framing !== 'chunked')
      headers['content-length'] = String(framing === 'both' ? 100 : body.length);
    if (framing !== 'length') headers['transfer-encoding'] = 'chunked';
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    let received = '';
    let sent = 0;
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer; got ${received.slice(0, 200)}`));
    }, 15_000);
    socket.on('data', (d) => {
      received += d.toString('latin1');
      answered = true;
    });
    socket.on('error', () => undefined); // EPIPE/ECONNRESET once the server has answered
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4), sent });
    });
    socket.on('connect', () => {
      void (async () => {
        socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
        for (let i = 0; i < body.length && !answered && !socket.destroyed; i += 16 * KIB) {
          const piece = body.subarray(i, i + 16 * KIB);
          const framed =
            framing === 'length'
              ? piece
              : Buffer.concat([
                  Buffer.from(`${piece.length.toString(16)}\r\n`),
                  piece,
                  Buffer.from('\r\n'),
                ]);
          const ok = socket.write(framed);
          sent += piece.length;
          if (!ok) await new Promise((r) => socket.once('drain', r));
          await new Promise((r) => setImmediate(r));
        }
        if (framing !== 'length' && !socket.destroyed) socket.write('0\r\n\r\n');
      })();
    });
  });
}

/** Counts what only the ingress handler does: read the bearer token and the raw body. */
function spyOnHandler() {
  const header = vi.spyOn(HonoRequest.prototype, 'header');
  const arrayBuffer = vi.spyOn(HonoRequest.prototype, 'arrayBuffer');
  return {
    calls: () =>
      header.mock.calls.filter(
        (args: unknown[]) => String(args[0]).toLowerCase() === 'authorization',
      ).length + arrayBuffer.mock.calls.length,
    restore: () => {
      header.mockRestore();
      arrayBuffer.mockRestore();
    },
  };
}

const ingressHead = {
  'content-type': 'application/json',
  authorization: `Bearer ${ACME_TOKEN}`,
};

describe('S3: HTTP limits over a real socket', () => {
  it('the handler spy sees a normal request (so a 0 below means something)', async () => {
    const spy = spyOnHandler();
    try {
      const e = envelope('acme', 'invoice.created', invoiceData('5001'));
      const res = await rawRequest(ingressHead, '/v1/events', Buffer.from(e.body), 'chunked');
      expect(res.status).toBe(202);
      expect(spy.calls()).toBeGreaterThan(0);
    } finally {
      spy.restore();
    }
  });

  it('300 KiB → 413 before the handler runs: with Content-Length, chunked, and both', async () => {
    const big = Buffer.from(`{"pad":"${'x'.repeat(300 * KIB)}"}`);
    const published = h.published.length;
    const results: string[] = [];
    const started = performance.now();
    for (const framing of ['length', 'chunked', 'both'] as const) {
      const spy = spyOnHandler();
      try {
        const res = await rawRequest(ingressHead, '/v1/events', big, framing);
        results.push(`${framing} ${res.status} (handler ${spy.calls()}, sent ${res.sent} B)`);
        // Both headers at once is refused by Node's parser (400) before Hono sees it.
        expect(res.status, framing).toBe(framing === 'both' ? 400 : 413);
        expect(spy.calls(), framing).toBe(0);
        if (framing !== 'both') expect(res.body).toContain('body larger than 262144 bytes');
      } finally {
        spy.restore();
      }
    }
    expect(h.published.length).toBe(published);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    console.log(
      `S3 body limit: 300 KiB → ${results.join('; ')}; published 0; ${Math.round(performance.now() - started)} ms`,
    );
  });

  it('JSON nested 10,000 deep → 400 (ingress and ops API), and the server still answers', async () => {
    const deep = Buffer.from('['.repeat(10_000) + ']'.repeat(10_000));
    const deepObject = Buffer.from('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
    const ingress = await rawRequest(ingressHead, '/v1/events', deep, 'chunked');
    const ingressObject = await rawRequest(ingressHead, '/v1/events', deepObject, 'length');
    const ops = await rawRequest(
      { 'content-type': 'application/json', authorization: `Bearer ${OPS_TOKEN}` },
      '/api/ops/dead-letters/replay',
      deepObject,
      'length',
    );
    expect([ingress.status, ingressObject.status, ops.status]).toEqual([400, 400, 400]);
    expect(ingress.body).toContain('JSON nesting deeper than 32');
    expect(ops.body).toContain('JSON nesting deeper than 8');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const e = envelope('acme', 'invoice.created', invoiceData('5002'));
    const after = await rawRequest(ingressHead, '/v1/events', Buffer.from(e.body), 'length');
    expect(after.status).toBe(202);
    console.log(
      `S3 depth: 10,000 deep → ingress ${ingress.status}/${ingressObject.status}, ops API ${ops.status}; server up (healthz ${health.status}, next event ${after.status})`,
    );
  });
});

describe('S3: a 10 MiB agency answer', () => {
  let agency: Server;
  let agencyPort: number;
  const served: { path: string; written: number; finished: boolean }[] = [];

  beforeAll(async () => {
    agency = createServer((req, res) => {
      req.resume();
      const entry = { path: req.url ?? '', written: 0, finished: false };
      served.push(entry);
      const withLength = req.method === 'GET';
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(withLength ? { 'content-length': String(10 * MIB) } : {}),
      });
      const piece = Buffer.alloc(64 * KIB, 0x20);
      const pump = () => {
        while (entry.written < 10 * MIB) {
          entry.written += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        entry.finished = true;
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    });
    await new Promise<void>((r) => agency.listen(0, '127.0.0.1', r));
    agencyPort = (agency.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agency.closeAllConnections();
    await new Promise<void>((r) => agency.close(() => r()));
  });

  it('is cut at the 5 MiB cap and counts as ambiguous (reconcile before sending again)', async () => {
    const client = createAgencyClient({
      baseUrl: `http://127.0.0.1:${agencyPort}/api/v1/partner`,
      apiKey: 'key-0123456789',
      rateLimit: { requestsPerSecond: 100, maxConcurrent: 2, instances: 1 },
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 },
      timeoutMs: 10_000,
    });
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const errors: AgencyError[] = [];
    try {
      // A create (POST /invoice): chunked; a read (GET /payments) with a declared length.
      for (const call of [
        () => client.createInvoice({ invoice: { header: { number: 5003 } } } as never),
        () => client.getPayments({ fromDate: '2026-01-01', toDate: '2026-01-02' }),
      ]) {
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AgencyError);
        errors.push(err as AgencyError);
      }
    } finally {
      await client.close();
    }
    const ms = Math.round(performance.now() - started);
    for (const err of errors) {
      expect(err.kind).toBe('ambiguous');
      expect(err.status).toBe(200);
      expect(err.message).toContain('response larger than 5242880 bytes');
      const outcome = decideOutcome(err, { attempt: 1, maxAttempts: 4, retryDelaysMs: [1000] });
      // ambiguous → retry with the item marked UNKNOWN (reconciled first), never a blind resend
      expect(outcome).toMatchObject({ kind: 'retry', unknown: true });
      const last = decideOutcome(err, { attempt: 4, maxAttempts: 4, retryDelaysMs: [1000] });
      expect(last).toMatchObject({ kind: 'dead-letter', reason: 'retries_exhausted' });
    }
    await vi.waitFor(() => expect(served.filter((s) => !s.finished)).toHaveLength(2), {
      timeout: 5000,
    });
    // The agency never finished writing 10 MiB: the client stopped reading and closed.
    expect(served.every((s) => s.written < 10 * MIB)).toBe(true);
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / MIB;
    console.log(
      `S3 agency answer: 10 MiB → ${errors.map((e) => `${e.method} ${e.path.split('?')[0]} ${e.kind}`).join(', ')}; ` +
        `agency wrote ${served.map((s) => `${(s.written / MIB).toFixed(1)} MiB`).join(' / ')} before the client cut it; ` +
        `outcome retry+UNKNOWN (dead letter retries_exhausted after the last attempt); RSS +${rssGrowthMb.toFixed(0)} MB; ${ms} ms`,
    );
  });
});
