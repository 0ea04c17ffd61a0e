/**
 * The default transport (node-http.ts) against a real local HTTP server: what each kind of
 * failure becomes (RELIABILITY.md §3.2), the byte cap, cancellation, no redirects, keep-alive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpFailure, type HttpDeps } from '../../../adapters/agency/http.ts';
import { sendNodeHttp } from '../../../adapters/agency/node-http.ts';

let server: Server | undefined;
const sockets = new Set<Socket>();

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

function deps(baseUrl: string, o: Partial<HttpDeps> = {}): HttpDeps {
  return {
    baseUrl,
    apiKey: () => 'k-1',
    timeoutMs: 2_000,
    maxResponseBytes: 1_000,
    closeSignal: new AbortController().signal,
    ...o,
  };
}

async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpFailure);
  return err as HttpFailure;
}

describe('node:http transport', () => {
  it('sends the key, the JSON body and the path under the base path; keeps exact numbers', async () => {
    let seen: { url?: string; key?: string; type?: string; body?: string } = {};
    const base = await serve((req, res, body) => {
      seen = {
        url: req.url,
        key: req.headers['x-api-key'] as string,
        type: req.headers['content-type'],
        body,
      };
      res.setHeader('content-type', 'application/json');
      res.end('{"caseId": 9007199254740993, "amount": 1240.50}');
    });
    const answer = await sendNodeHttp(deps(base), {
      method: 'POST',
      path: '/invoice?x=1',
      body: { a: 1 },
    });
    expect(seen).toEqual({
      url: '/api/invoice?x=1',
      key: 'k-1',
      type: 'application/json',
      body: '{"a":1}',
    });
    expect(answer).toEqual({
      status: 200,
      retryAfter: null,
      json: { caseId: '9007199254740993', amount: '1240.50' },
      bodyProblem: null,
    });
  });

  it('returns the status and Retry-After of a refusal', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
    });
    const answer = await sendNodeHttp(deps(base), { method: 'GET', path: '/x' });
    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toBe('7');
    expect(answer.json).toBeUndefined();
  });

  it('does not follow a redirect', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const answer = await sendNodeHttp(deps(base), { method: 'POST', path: '/invoice', body: {} });
    expect(answer.status).toBe(302);
    expect(hits).toBe(1);
  });

  it('connection refused → not_sent', async () => {
    const base = await serve(() => undefined);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const err = await failure(sendNodeHttp(deps(base), { method: 'POST', path: '/i', body: {} }));
    expect(err.kind).toBe('not_sent');
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('the peer closes after reading the request → ambiguous', async () => {
    const base = await serve((req) => req.socket.destroy());
    const err = await failure(sendNodeHttp(deps(base), { method: 'POST', path: '/i', body: {} }));
    expect(err.kind).toBe('ambiguous');
  });

  it('no answer within the timeout → ambiguous ETIMEDOUT', async () => {
    const base = await serve(() => undefined);
    const err = await failure(
      sendNodeHttp(deps(base, { timeoutMs: 100 }), { method: 'POST', path: '/i', body: {} }),
    );
    expect(err.kind).toBe('ambiguous');
    expect(err.code).toBe('ETIMEDOUT');
  });

  it('a body cut off after the status → the status with a body problem', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"caseId": ');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const answer = await sendNodeHttp(deps(base), { method: 'POST', path: '/i', body: {} });
    expect(answer.status).toBe(200);
    expect(answer.bodyProblem).toBe('connection lost while reading the answer');
  });

  it('an answer over the byte cap is cut off, declared or streamed', async () => {
    const big = 'x'.repeat(5_000);
    const declared = await serve((_req, res) => res.end(JSON.stringify({ big })));
    const a = await sendNodeHttp(deps(declared), { method: 'GET', path: '/d' });
    expect(a.bodyProblem).toBe('response larger than 1000 bytes');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    for (const s of sockets) s.destroy();
    const streamed = await serve((_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
      res.end();
    });
    const b = await sendNodeHttp(deps(streamed), { method: 'GET', path: '/s' });
    expect(b.bodyProblem).toBe('response larger than 1000 bytes');
  });

  it('a body that is not JSON is reported, not thrown', async () => {
    const base = await serve((_req, res) => res.end('<html>'));
    const answer = await sendNodeHttp(deps(base), { method: 'GET', path: '/x' });
    expect(answer).toMatchObject({ status: 200, bodyProblem: 'answer is not JSON' });
  });

  it('closing the client or the caller cancels the call → aborted', async () => {
    const base = await serve(() => undefined);
    const close = new AbortController();
    const pending = sendNodeHttp(deps(base, { closeSignal: close.signal }), {
      method: 'GET',
      path: '/x',
    });
    setTimeout(() => close.abort(), 30);
    expect((await failure(pending)).kind).toBe('aborted');
    const caller = new AbortController();
    caller.abort();
    const err = await failure(
      sendNodeHttp(deps(base), { method: 'GET', path: '/x' }, caller.signal),
    );
    expect(err.kind).toBe('aborted');
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const peers = new Set<number>();
    const base = await serve((req, res) => {
      peers.add(req.socket.remotePort ?? 0);
      res.end('{}');
    });
    for (let i = 0; i < 5; i++) await sendNodeHttp(deps(base), { method: 'GET', path: '/k' });
    expect(peers.size).toBe(1);
  });
});
