/**
 * A TCP fault proxy for tests, modelled on toxiproxy's toxics (no toxiproxy, netem or iptables on
 * our machines, see RELIABILITY.md §5.2): it listens on a free port and forwards to an upstream.
 * Switchable at run time, per direction (`upstream` = client → server, `downstream` = back):
 * latency (+ jitter, order kept), bandwidth (bytes/s, with real TCP backpressure on the sender),
 * blackhole (bytes and closes are accepted and held, nothing is forwarded, sockets stay open;
 * lifting it releases what was held, as TCP retransmission would). Also: reset every connection
 * (RST), cut connections after N bytes (limit_data: the peer gets a partial frame, then the
 * connection is gone), refuse new connections (accept, then RST), and drop HTTP responses after
 * the request was delivered (commit-then-drop at the network level).
 */
import net, { type Socket } from 'node:net';

export type Direction = 'upstream' | 'downstream' | 'both';
type Dir = 'upstream' | 'downstream';

export interface Toxics {
  /** Delay added to every chunk, in ms. */
  latencyMs?: number;
  /** Extra delay per chunk, uniform in [0, jitterMs); chunk order is kept. */
  jitterMs?: number;
  /** Cap in bytes per second; 0 = unlimited. */
  bandwidth?: number;
  /** Hold every byte (and any close) without forwarding it. */
  blackhole?: boolean;
}

export interface FaultProxyOptions {
  upstream: { host: string; port: number };
  /** Listen address; default 127.0.0.1 on a free port. */
  host?: string;
  port?: number;
  /** PRNG for jitter (default Math.random; pass a seeded one for reproducible runs). */
  random?: () => number;
  /** Bytes held per connection and direction while blackholed; beyond it they are dropped. */
  maxHeldBytes?: number;
}

export interface FaultProxyStats {
  accepted: number;
  active: number;
  refused: number;
  resets: number;
  cuts: number;
  responsesDropped: number;
  /** Bytes forwarded client → upstream, and back. */
  bytesUp: number;
  bytesDown: number;
  /** Bytes held by the blackhole now. */
  heldBytes: number;
  /** Bytes waiting in the proxy for latency or bandwidth now (bounded: the sender is paused). */
  queuedBytes: number;
  droppedBytes: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Merges toxics into one or both directions (default both). */
  set(toxics: Toxics, direction?: Direction): void;
  /** While on, new connections are accepted and reset at once. */
  refuse(on: boolean): void;
  /** Destroys every open connection on both sides with a TCP RST; returns how many. */
  resetAll(): number;
  /** Each open connection (and new ones, if asked) is cut after `bytes` more bytes. */
  cutAfter(bytes: number, options?: { direction?: Direction; newConnections?: boolean }): void;
  /** Per HTTP exchange: forward the request, then with this probability reset the client when the answer starts. */
  dropResponses(probability: number, random?: () => number): void;
  /** Back to a plain pipe: toxics off (held bytes released), no refuse, cut or drop. */
  clear(): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

interface Pipe {
  dir: Dir;
  src: Socket;
  dst: Socket;
  queue: { buf: Buffer; dueMs: number }[];
  queuedBytes: number;
  held: Buffer[];
  heldBytes: number;
  srcEnded: boolean;
  pumping: boolean;
  lastDueMs: number;
  nextSendMs: number;
  cutBudget: number | null;
}

interface Conn {
  client: Socket;
  upstream: Socket;
  pipes: Record<Dir, Pipe>;
  awaitingResponse: boolean;
  /** Killed, cut or fully closed: nothing more goes through. */
  closed: boolean;
  /** An abrupt close seen on one side while the way to the other side was blackholed. */
  pendingReset: boolean;
}

const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dirsOf = (d: Direction): Dir[] => (d === 'both' ? ['upstream', 'downstream'] : [d]);

function reset(socket: Socket): void {
  try {
    if (!socket.destroyed) socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = options.random ?? Math.random;
  const maxHeld = options.maxHeldBytes ?? 64 * 1024 * 1024;
  const toxics: Record<Dir, Required<Toxics>> = {
    upstream: { latencyMs: 0, jitterMs: 0, bandwidth: 0, blackhole: false },
    downstream: { latencyMs: 0, jitterMs: 0, bandwidth: 0, blackhole: false },
  };
  const conns = new Set<Conn>();
  let refusing = false;
  let cutForNew: { bytes: number; dirs: Dir[] } | null = null;
  let drop: { probability: number; random: () => number } | null = null;
  const s: Omit<FaultProxyStats, 'active' | 'heldBytes' | 'queuedBytes'> = {
    accepted: 0,
    refused: 0,
    resets: 0,
    cuts: 0,
    responsesDropped: 0,
    bytesUp: 0,
    bytesDown: 0,
    droppedBytes: 0,
  };

  function killConn(c: Conn): void {
    if (c.closed) return;
    c.closed = true;
    conns.delete(c);
    reset(c.client);
    reset(c.upstream);
  }

  function hold(p: Pipe, buf: Buffer): void {
    if (p.heldBytes + buf.length > maxHeld) s.droppedBytes += buf.length;
    else {
      p.held.push(buf);
      p.heldBytes += buf.length;
    }
  }

  /** Blackhole switched on: what waits in the queue is held too (before anything newer). */
  function holdQueued(p: Pipe): void {
    for (const item of p.queue.splice(0)) hold(p, item.buf);
    p.queuedBytes = 0;
    if (p.src.isPaused()) p.src.resume();
  }

  function onData(c: Conn, p: Pipe, chunk: Buffer): void {
    if (p.dir === 'upstream') {
      c.awaitingResponse = true;
    } else {
      if (c.awaitingResponse && drop) {
        c.awaitingResponse = false;
        if (drop.probability > 0 && drop.random() < drop.probability) {
          s.responsesDropped += 1;
          killConn(c);
          return;
        }
      }
    }
    const t = toxics[p.dir];
    if (t.blackhole) return hold(p, chunk);
    const jitter = t.jitterMs > 0 ? random() * t.jitterMs : 0;
    const dueMs = Math.max(Date.now() + t.latencyMs + jitter, p.lastDueMs);
    p.lastDueMs = dueMs;
    p.queue.push({ buf: chunk, dueMs });
    p.queuedBytes += chunk.length;
    if (p.queuedBytes > HIGH_WATER) p.src.pause();
    void pump(c, p);
  }

  async function pump(c: Conn, p: Pipe): Promise<void> {
    if (p.pumping) return;
    p.pumping = true;
    try {
      while (!c.closed) {
        const t = toxics[p.dir];
        if (t.blackhole) return holdQueued(p);
        const item = p.queue[0];
        if (!item) break;
        const waitMs = Math.max(item.dueMs, p.nextSendMs) - Date.now();
        if (waitMs > 0) {
          await sleep(waitMs);
          continue; // toxics may have changed meanwhile
        }
        const bw = t.bandwidth;
        let len =
          bw > 0 ? Math.max(1, Math.min(item.buf.length, Math.floor(bw / 20))) : item.buf.length;
        let cut = false;
        if (p.cutBudget !== null && len >= p.cutBudget) {
          len = p.cutBudget;
          cut = true;
        }
        const slice = item.buf.subarray(0, len);
        item.buf = item.buf.subarray(len);
        if (item.buf.length === 0) p.queue.shift();
        p.queuedBytes -= len;
        if (p.queuedBytes < LOW_WATER && p.src.isPaused()) p.src.resume();
        if (bw > 0) p.nextSendMs = Math.max(p.nextSendMs, Date.now()) + (len * 1000) / bw;
        if (cut) {
          // The peer reads a partial frame, then EOF; the sender's side is reset.
          s.cuts += 1;
          c.closed = true;
          conns.delete(c);
          if (!p.dst.destroyed) p.dst.end(slice);
          if (p.dir === 'upstream') s.bytesUp += len;
          else s.bytesDown += len;
          reset(p.src);
          return;
        }
        if (p.cutBudget !== null) p.cutBudget -= len;
        if (p.dst.destroyed) return;
        if (p.dir === 'upstream') s.bytesUp += len;
        else s.bytesDown += len;
        if (!p.dst.write(slice)) await drained(p.dst);
      }
      if (p.srcEnded && p.queue.length === 0 && p.held.length === 0 && !p.dst.destroyed)
        p.dst.end();
    } finally {
      p.pumping = false;
    }
  }

  function drained(socket: Socket): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  function release(c: Conn, dir: Dir): void {
    const p = c.pipes[dir];
    const held = p.held.splice(0);
    p.heldBytes = 0;
    const now = Date.now();
    for (const buf of held) p.queue.push({ buf, dueMs: now });
    p.queuedBytes += held.reduce((n, b) => n + b.length, 0);
    if (c.pendingReset && !toxics.upstream.blackhole && !toxics.downstream.blackhole) {
      killConn(c);
      return;
    }
    void pump(c, p);
  }

  function makePipe(dir: Dir, src: Socket, dst: Socket): Pipe {
    const cut = cutForNew && cutForNew.dirs.includes(dir) ? cutForNew.bytes : null;
    return {
      dir,
      src,
      dst,
      queue: [],
      queuedBytes: 0,
      held: [],
      heldBytes: 0,
      srcEnded: false,
      pumping: false,
      lastDueMs: 0,
      nextSendMs: 0,
      cutBudget: cut,
    };
  }

  function accept(client: Socket): void {
    s.accepted += 1;
    client.on('error', () => undefined);
    if (refusing) {
      s.refused += 1;
      reset(client);
      return;
    }
    const upstream = net.connect({ ...options.upstream, allowHalfOpen: true });
    upstream.on('error', () => undefined);
    const c: Conn = {
      client,
      upstream,
      pipes: {
        upstream: makePipe('upstream', client, upstream),
        downstream: makePipe('downstream', upstream, client),
      },
      awaitingResponse: false,
      closed: false,
      pendingReset: false,
    };
    conns.add(c);
    for (const p of Object.values(c.pipes)) {
      p.src.on('data', (chunk: Buffer) => {
        if (!c.closed) onData(c, p, chunk);
      });
      p.src.on('end', () => {
        p.srcEnded = true;
        void pump(c, p);
      });
      // An abrupt close (RST, error, failed connect) goes on to the other side as a reset,
      // unless the way there is blackholed; a graceful one arrives as 'end' above.
      p.src.on('close', (hadError: boolean) => {
        if (c.closed) return;
        if (hadError) {
          if (toxics[p.dir].blackhole) c.pendingReset = true;
          else killConn(c);
        }
        if (client.destroyed && upstream.destroyed) {
          c.closed = true;
          conns.delete(c);
        }
      });
    }
  }

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, accept);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  const proxy: FaultProxy = {
    host: address.address,
    port: address.port,
    set(next, direction = 'both') {
      for (const dir of dirsOf(direction)) {
        const wasHeld = toxics[dir].blackhole;
        Object.assign(toxics[dir], next);
        for (const c of conns) {
          const p = c.pipes[dir];
          if (wasHeld && !toxics[dir].blackhole) release(c, dir);
          else if (!wasHeld && toxics[dir].blackhole) holdQueued(p);
          else void pump(c, p);
        }
      }
    },
    refuse(on) {
      refusing = on;
    },
    resetAll() {
      const list = [...conns];
      for (const c of list) killConn(c);
      s.resets += list.length;
      return list.length;
    },
    cutAfter(bytes, cutOptions = {}) {
      const dirs = dirsOf(cutOptions.direction ?? 'both');
      for (const c of conns) for (const dir of dirs) c.pipes[dir].cutBudget = bytes;
      cutForNew = cutOptions.newConnections ? { bytes, dirs } : null;
    },
    dropResponses(probability, dropRandom = random) {
      drop = probability > 0 ? { probability, random: dropRandom } : null;
    },
    clear() {
      refusing = false;
      cutForNew = null;
      drop = null;
      for (const c of conns) for (const p of Object.values(c.pipes)) p.cutBudget = null;
      proxy.set({ latencyMs: 0, jitterMs: 0, bandwidth: 0, blackhole: false });
    },
    stats() {
      let heldBytes = 0;
      let queuedBytes = 0;
      for (const c of conns) {
        for (const p of Object.values(c.pipes)) {
          heldBytes += p.heldBytes;
          queuedBytes += p.queuedBytes;
        }
      }
      return { ...s, active: conns.size, heldBytes, queuedBytes };
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of [...conns]) killConn(c);
      await closed;
    },
  };
  return proxy;
}
