/**
 * A private RabbitMQ node for fault tests (RELIABILITY.md §1, §5.2): Debian's broker started
 * from `/usr/lib/rabbitmq/bin/rabbitmq-server` on free loopback ports, with its own node name,
 * data dir, logs, Erlang cookie (a private HOME), config file (e.g. `consumer_timeout`) and no
 * plugins. The machine's broker on 5672 is never touched.
 *
 * Controls: SIGKILL of the `beam.smp` pid this helper started (and only that pid: it is the
 * child of the `rabbitmq-server` script we spawned, and its command line carries our private
 * HOME), restart on the same data dir, SIGSTOP/SIGCONT, `rabbitmqctl -n <node>` commands
 * (close_all_connections, the memory alarm, list_consumers).
 *
 * Clean-up: `stop()` kills the node and deletes its directory. Against orphans when a test
 * process dies without `stop()`: a process 'exit' hook kills live nodes, and a small watchdog
 * shell (one per node) kills the node and deletes its directory once the test process is gone.
 * epmd: the node registers with the machine's shared epmd (127.0.0.1:4369) and is unregistered
 * by epmd when the node dies; if no epmd ran, Erlang starts one, which is shared and left running.
 *
 * Also here: the seeded fault schedule (`faultSchedule`): every fault decision from one PRNG,
 * seed from `FAULT_SEED` or random, printed on failure.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { seededRandom } from './random.ts';

export const RABBITMQ_BIN_DIR = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
const DEFAULT_WATERMARK = 0.4;

export interface PrivateBrokerOptions {
  /** Part of the node name and temp dir, for humans. */
  label?: string;
  /** Extra rabbitmq.conf settings, e.g. `{ consumer_timeout: 15000 }`. */
  conf?: Record<string, string | number>;
  /** Extra `rabbit` application env terms for advanced.config, e.g. `'{channel_tick_interval, 1000}'`. */
  advanced?: string[];
  /** Boot time allowed (default 90 s: 3–8 s on an idle machine, more on a busy one). */
  startTimeoutMs?: number;
}

export interface ConsumerRow {
  queue: string;
  channelPid: string;
  consumerTag: string;
  ackRequired: boolean;
  prefetchCount: number;
  active: boolean;
}

export interface PrivateBroker {
  readonly nodeName: string;
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may log in over loopback). */
  readonly url: string;
  readonly dir: string;
  /** The beam.smp pid of the running node, else null. */
  beamPid(): number | null;
  running(): boolean;
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL of our beam.smp; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the node again on the same data dir (killing it first if it runs), then waits until ready. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  /** `rabbitmqctl -n <node> …`; rejects on failure or after `timeoutMs` (default 30 s). */
  ctl(args: string[], timeoutMs?: number): Promise<string>;
  closeAllConnections(reason: string): Promise<void>;
  /** On: `set_vm_memory_high_watermark 0.00001` (every publisher is blocked); off: back to 0.4. */
  memoryAlarm(on: boolean): Promise<void>;
  listConsumers(): Promise<ConsumerRow[]>;
  /** Raft role of every quorum queue member on the node, e.g. `{ '%2F_q': 'leader' }`. */
  quorumStates(): Promise<Record<string, string>>;
  /**
   * Makes leaderless single-node quorum queues elect themselves (`ra:trigger_election`). On
   * 3.10.8 (Ra 2.2.0) a quorum queue declared moments before a SIGKILL can come back as a
   * follower that never elects itself (seen for > 170 s); this is the manual repair.
   */
  triggerElections(): Promise<void>;
  /** The node's own log so far (e.g. to look for "consumer ack timed out"). */
  logText(): string;
  stop(): Promise<void>;
}

const live = new Set<{ pid: () => number | null }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const b of live) {
      const pid = b.pid();
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Pids whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrivateBroker(
  options: PrivateBrokerOptions = {},
): Promise<PrivateBroker> {
  const id = randomBytes(4).toString('hex');
  const nodeName = `rabbit_${options.label ?? 't'}_${id}@localhost`.replaceAll('-', '_');
  const dir = mkdtempSync(join(tmpdir(), `rmq-${options.label ?? 't'}-`));
  const home = join(dir, 'home');
  for (const d of [home, join(dir, 'mnesia'), join(dir, 'log')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase());
  chmodSync(join(home, '.erlang.cookie'), 0o400);
  const [port, distPort, ctlPort] = [await freePort(), await freePort(), await freePort()];
  const conf: Record<string, string | number> = {
    'listeners.tcp.default': `127.0.0.1:${port}`,
    'log.file.level': 'info',
    'log.console': 'false',
    'vm_memory_high_watermark.relative': DEFAULT_WATERMARK,
    ...options.conf,
  };
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    Object.entries(conf)
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'advanced.config'),
    `[{rabbit, [${(options.advanced ?? []).join(', ')}]}].\n`,
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '# private node: nothing from /etc/rabbitmq\n');
  const baseEnv = {
    ...process.env,
    HOME: home,
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const serverEnv = {
    ...baseEnv,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const ctlEnv = {
    ...baseEnv,
    RABBITMQ_CTL_DIST_PORT_MIN: String(ctlPort),
    RABBITMQ_CTL_DIST_PORT_MAX: String(ctlPort),
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  let script: ChildProcess | null = null;
  let scriptExit: Promise<void> = Promise.resolve();
  let beam: number | null = null;
  let stopped = false;

  const outFile = join(dir, 'server.out');
  const tail = (): string => {
    try {
      return readFileSync(outFile, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  };

  /** The beam.smp child of our script, recognised by our private HOME on its command line. */
  async function findBeam(): Promise<number> {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      if (!script || script.exitCode !== null || script.signalCode !== null)
        throw new Error(`rabbitmq-server exited during start:\n${tail()}`);
      for (const pid of childrenOf(script.pid!)) {
        const line = cmdline(pid);
        if (line.includes('beam') && line.includes(home)) return pid;
      }
      await sleep(50);
    }
    throw new Error(`no beam.smp found under rabbitmq-server ${script?.pid}:\n${tail()}`);
  }

  async function spawnNode(): Promise<void> {
    rmSync(join(dir, 'rabbit.pid'), { force: true });
    const out = openSync(outFile, 'a');
    const child = spawn(join(RABBITMQ_BIN_DIR, 'rabbitmq-server'), [], {
      env: serverEnv,
      stdio: ['ignore', out, out],
      cwd: dir,
    });
    closeSync(out);
    script = child;
    scriptExit = new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('error', () => undefined);
    beam = await findBeam();
    writeFileSync(join(dir, 'beam.pid'), String(beam));
  }

  async function waitReady(timeoutMs = startTimeoutMs): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!script || script.exitCode !== null)
        throw new Error(`private broker ${nodeName} is not running:\n${tail()}`);
      try {
        const c = await amqplib.connect(url, { timeout: 2_000 });
        c.on('error', () => undefined);
        await c.close().catch(() => undefined);
        return;
      } catch {
        if (Date.now() > until)
          throw new Error(`private broker ${nodeName} not ready after ${timeoutMs} ms:\n${tail()}`);
        await sleep(100);
      }
    }
  }

  async function kill(): Promise<void> {
    const pid = beam;
    if (pid !== null && alive(pid) && cmdline(pid).includes(home)) process.kill(pid, 'SIGKILL');
    beam = null;
    await Promise.race([scriptExit, sleep(15_000)]);
    if (pid !== null) {
      const until = Date.now() + 10_000;
      while (alive(pid) && Date.now() < until) await sleep(20);
    }
  }

  function ctl(args: string[], timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        join(RABBITMQ_BIN_DIR, 'rabbitmqctl'),
        ['-n', nodeName, ...args],
        { env: ctlEnv, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`rabbitmqctl ${args.join(' ')}: ${err.message}\n${stderr}`));
          else resolve(stdout);
        },
      );
    });
  }

  // Watchdog: when the test process is gone, kill our node (if the pid is still ours) and delete its dir.
  const watchdog = spawn(
    '/bin/sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && [ -d "$D" ]; do sleep 1; done
[ -d "$D" ] || exit 0
B=$(cat "$D/beam.pid" 2>/dev/null)
if [ -n "$B" ] && tr '\\0' ' ' < /proc/$B/cmdline 2>/dev/null | grep -qF -- "$D/home"; then kill -9 "$B"; fi
sleep 2; rm -rf "$D"`,
    ],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', D: dir }, stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  const handle = { pid: () => beam };
  live.add(handle);
  installExitHook();

  const broker: PrivateBroker = {
    nodeName,
    port,
    url,
    dir,
    beamPid: () => beam,
    running: () => beam !== null && alive(beam),
    waitReady,
    kill,
    async restart() {
      if (stopped) throw new Error('private broker was stopped');
      if (beam !== null) await kill();
      await spawnNode();
      await waitReady();
    },
    pause() {
      if (beam !== null) process.kill(beam, 'SIGSTOP');
    },
    resume() {
      if (beam !== null) process.kill(beam, 'SIGCONT');
    },
    ctl,
    async closeAllConnections(reason) {
      await ctl(['close_all_connections', reason]);
    },
    async memoryAlarm(on) {
      await ctl(['set_vm_memory_high_watermark', String(on ? 0.00001 : DEFAULT_WATERMARK)]);
    },
    async listConsumers() {
      const out = await ctl([
        'list_consumers',
        'queue_name',
        'channel_pid',
        'consumer_tag',
        'ack_required',
        'prefetch_count',
        'active',
        '-q',
        '--formatter',
        'json',
      ]);
      const rows = JSON.parse(out.trim() || '[]') as {
        queue_name: string;
        channel_pid: string;
        consumer_tag: string;
        ack_required: boolean;
        prefetch_count: number;
        active: boolean;
      }[];
      return rows.map((r) => ({
        queue: r.queue_name,
        channelPid: String(r.channel_pid),
        consumerTag: r.consumer_tag,
        ackRequired: r.ack_required,
        prefetchCount: r.prefetch_count,
        active: r.active,
      }));
    },
    async quorumStates() {
      const out = await ctl(['eval', 'ets:tab2list(ra_state).']);
      const states: Record<string, string> = {};
      for (const m of out.matchAll(/\{'?([^',{}]+)'?,(\w+)\}/gu)) states[m[1]!] = m[2]!;
      return states;
    },
    async triggerElections() {
      await ctl([
        'eval',
        '[ra:trigger_election({N, node()}) || {N, follower} <- ets:tab2list(ra_state)].',
      ]);
    },
    logText() {
      const file = join(dir, 'log', `${nodeName}.log`);
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      live.delete(handle);
      rmSync(dir, { recursive: true, force: true }); // the watchdog sees it gone and exits
    },
  };
  try {
    await spawnNode();
    await waitReady();
  } catch (err) {
    await broker.stop();
    throw err;
  }
  return broker;
}

/** Every fault decision from one seeded PRNG; `describe()` gives the seed and what was decided. */
export interface FaultSchedule {
  readonly seed: number;
  random(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  /** Records a decision (shown by `describe()`). */
  note(decision: string): void;
  describe(): string;
}

export function faultSchedule(label: string, envSeed = process.env.FAULT_SEED): FaultSchedule {
  const parsed = envSeed === undefined || envSeed === '' ? NaN : Number(envSeed);
  const seed = Number.isFinite(parsed) ? parsed >>> 0 : randomBytes(4).readUInt32BE(0) >>> 1;
  const random = seededRandom(seed);
  const decisions: string[] = [];
  return {
    seed,
    random,
    between: (min, max) => min + random() * (max - min),
    pick<T>(list: readonly T[]): T {
      const item = list[Math.floor(random() * list.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    note: (decision) => void decisions.push(decision),
    describe: () =>
      `${label}: FAULT_SEED=${seed}${decisions.length ? `; decisions: ${decisions.join('; ')}` : ''}`,
  };
}
