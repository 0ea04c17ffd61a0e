/**
 * The test fault proxy against a local echo server and a local HTTP server (loopback only):
 * each toxic does what it says, and clearing it gives a plain pipe again.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import net, { type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { seededRandom } from '../../helpers/random.ts';

interface Upstream {
  server: Server;
  port: number;
  sockets: Socket[];
  received: () => number;
  errors: string[];
}

/** An echo server that records what it got and how its sockets ended. */
async function startEcho(echo = true): Promise<Upstream> {
  const sockets: Socket[] = [];
  const errors: string[] = [];
  let received = 0;
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (echo) socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    sockets,
    received: () => received,
    errors,
  };
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `bytes` and resolves when as many came back, with the elapsed time. */
function roundTrip(socket: Socket, bytes: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    let got = 0;
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got >= bytes) {
        socket.off('data', onData);
        resolve(performance.now() - start);
      }
    };
    socket.on('data', onData);
    socket.write(Buffer.alloc(bytes, 7));
  });
}

function closed(socket: Socket): Promise<{ error: string | null }> {
  return new Promise((resolve) => {
    let error: string | null = null;
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.once('close', () => resolve({ error }));
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault proxy', () => {
  let up: Upstream;
  let proxy: FaultProxy;
  const clients: Socket[] = [];
  const open = async () => {
    const s = await connect(proxy.port);
    s.on('error', () => undefined);
    clients.push(s);
    return s;
  };

  beforeEach(async () => {
    up = await startEcho();
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: up.port } });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.close();
    for (const s of up.sockets) s.destroy();
    await new Promise<void>((resolve) => up.server.close(() => resolve()));
  });

  it('forwards both ways unchanged when no toxic is set', async () => {
    const s = await open();
    await roundTrip(s, 1_000_000);
    expect(up.received()).toBe(1_000_000);
    expect(proxy.stats()).toMatchObject({ accepted: 1, active: 1, bytesUp: 1_000_000 });
    expect(proxy.stats().bytesDown).toBe(1_000_000);
  });

  it('latency delays each direction, jitter adds at most its range', async () => {
    const s = await open();
    proxy.set({ latencyMs: 150 }, 'upstream');
    const one = await roundTrip(s, 10);
    proxy.set({ latencyMs: 150 });
    const both = await roundTrip(s, 10);
    proxy.set({ latencyMs: 0, jitterMs: 100 });
    const jittered = await roundTrip(s, 10);
    proxy.clear();
    const plain = await roundTrip(s, 10);
    expect(one).toBeGreaterThanOrEqual(145);
    expect(both).toBeGreaterThanOrEqual(295);
    expect(jittered).toBeLessThan(200 + 500);
    expect(plain).toBeLessThan(100);
  });

  it('bandwidth caps the rate and pushes back on the sender instead of buffering', async () => {
    const sink = await startEcho(false);
    const p = await startFaultProxy({ upstream: { host: '127.0.0.1', port: sink.port } });
    try {
      p.set({ bandwidth: 64_000 }, 'upstream');
      const s = await connect(p.port);
      s.on('error', () => undefined);
      clients.push(s);
      const start = performance.now();
      // 8 MB offered at once: the proxy must not read it all into memory.
      s.write(Buffer.alloc(8_000_000, 1));
      await wait(1_000);
      expect(p.stats().queuedBytes).toBeLessThanOrEqual(512 * 1024);
      expect(s.writableLength).toBeGreaterThan(4_000_000); // held back in the sender
      while (sink.received() < 128_000) await wait(20);
      const elapsedMs = performance.now() - start;
      // 128 kB at 64 kB/s: about 2 s (the first 50 ms slice goes at once).
      expect(elapsedMs).toBeGreaterThanOrEqual(1_800);
      expect(elapsedMs).toBeLessThan(6_000);
    } finally {
      await p.close();
      for (const x of sink.sockets) x.destroy();
      await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    }
  });

  it('blackhole holds bytes and keeps sockets open; lifting it releases them in order', async () => {
    const s = await open();
    await roundTrip(s, 5);
    proxy.set({ blackhole: true });
    let echoed = '';
    s.on('data', (chunk: Buffer) => (echoed += chunk.toString()));
    let socketClosed = false;
    s.on('close', () => (socketClosed = true));
    const before = up.received();
    s.write('hello ');
    s.write('world');
    await wait(500);
    expect(up.received()).toBe(before);
    expect(proxy.stats().heldBytes).toBe(11);
    expect(socketClosed).toBe(false);
    expect(up.sockets[0]!.destroyed).toBe(false);
    proxy.set({ blackhole: false });
    while (echoed.length < 11) await wait(10);
    expect(echoed).toBe('hello world');
    expect(proxy.stats().heldBytes).toBe(0);
  });

  it('blackhole holds a reset too: the other side learns of it only when lifted', async () => {
    const s = await open();
    await roundTrip(s, 5);
    proxy.set({ blackhole: true });
    const upstreamClosed = closed(up.sockets[0]!);
    s.resetAndDestroy();
    await wait(300);
    expect(up.sockets[0]!.destroyed).toBe(false);
    proxy.set({ blackhole: false });
    expect((await upstreamClosed).error).toBe('ECONNRESET');
  });

  it('resetAll destroys every connection on both sides with RST', async () => {
    const a = await open();
    const b = await open();
    await roundTrip(a, 5);
    await roundTrip(b, 5);
    const ends = [closed(a), closed(b), ...up.sockets.map((x) => closed(x))];
    expect(proxy.resetAll()).toBe(2);
    const results = await Promise.all(ends);
    expect(results.map((r) => r.error)).toEqual([
      'ECONNRESET',
      'ECONNRESET',
      'ECONNRESET',
      'ECONNRESET',
    ]);
    expect(proxy.stats()).toMatchObject({ active: 0, resets: 2 });
    const c = await open();
    await roundTrip(c, 5); // new connections work
  });

  it('cutAfter forwards exactly N more bytes, then the connection is gone', async () => {
    const sink = await startEcho(false);
    const p = await startFaultProxy({ upstream: { host: '127.0.0.1', port: sink.port } });
    try {
      const s = await connect(p.port);
      s.on('error', () => undefined);
      s.write(Buffer.alloc(20));
      while (sink.received() < 20) await wait(10);
      const clientClosed = closed(s);
      let upstreamEnded = false;
      sink.sockets[0]!.on('end', () => (upstreamEnded = true));
      p.cutAfter(10, { direction: 'upstream' });
      s.write(Buffer.alloc(100));
      expect((await clientClosed).error).toBe('ECONNRESET');
      await wait(100);
      expect(sink.received()).toBe(30);
      expect(upstreamEnded).toBe(true);
      expect(p.stats().cuts).toBe(1);
      const again = await connect(p.port); // not armed for new connections
      again.write(Buffer.alloc(50));
      while (sink.received() < 80) await wait(10);
      again.destroy();
    } finally {
      await p.close();
      for (const x of sink.sockets) x.destroy();
      await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    }
  });

  it('refuse resets new connections only, until switched off', async () => {
    const existing = await open();
    proxy.refuse(true);
    // The RST may come before or after the client saw its connect complete.
    const refused = await new Promise<string | null>((resolve) => {
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1' });
      let error: string | null = null;
      socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
      socket.on('close', () => resolve(error));
    });
    expect(refused).toBe('ECONNRESET');
    await roundTrip(existing, 5);
    proxy.refuse(false);
    await roundTrip(await open(), 5);
    expect(proxy.stats().refused).toBe(1);
  });

  describe('dropResponses (HTTP)', () => {
    let http: HttpServer;
    let handled = 0;
    let hp: FaultProxy;
    beforeEach(async () => {
      handled = 0;
      http = createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          handled += 1; // the "commit"
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ok: handled }));
        });
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const port = (http.address() as net.AddressInfo).port;
      hp = await startFaultProxy({ upstream: { host: '127.0.0.1', port } });
    });
    afterEach(async () => {
      await hp.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });

    const post = () =>
      fetch(`http://127.0.0.1:${hp.port}/x`, { method: 'POST', body: '{}' }).then(
        async (r) => (await r.json()) as { ok: number },
        () => 'dropped' as const,
      );

    it('delivers the request, then drops the answer', async () => {
      hp.dropResponses(1);
      expect(await post()).toBe('dropped');
      expect(handled).toBe(1);
      expect(hp.stats().responsesDropped).toBe(1);
      hp.dropResponses(0);
      expect(await post()).toEqual({ ok: 2 });
    });

    it('drops a seeded share, the same for the same seed', async () => {
      const pattern = async (seed: number) => {
        hp.dropResponses(0.5, seededRandom(seed));
        const out: string[] = [];
        for (let i = 0; i < 12; i++) out.push((await post()) === 'dropped' ? 'x' : '.');
        return out.join('');
      };
      const first = await pattern(42);
      const second = await pattern(42);
      expect(first).toBe(second);
      expect(first).toContain('x');
      expect(first).toContain('.');
      expect(handled).toBe(24); // every request reached the server
    });
  });
});
