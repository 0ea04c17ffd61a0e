import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import {
  buildTopology,
  createBroker,
  type Broker,
  type BrokerLogger,
  type BrokerOptions,
  type TopologySpec,
} from '../../../adapters/rabbitmq/index.ts';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export function createTestLogger(): BrokerLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Polls a condition (for state with no event to await); fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function onceEvent<E extends 'connected' | 'disconnected' | 'consumer-cancelled'>(
  broker: Broker,
  event: E,
  match: (payload: never) => boolean = () => true,
): Promise<void> {
  return new Promise((resolve) => {
    const off = broker.on(event, (payload) => {
      if (match(payload as never)) {
        off();
        resolve();
      }
    });
  });
}

export interface Fixture {
  prefix: string;
  source: string;
  topology: TopologySpec;
  names: {
    erp: string;
    agency: string;
    inbound: string;
    dlq: string;
    unroutable: string;
    retry1s: string;
  };
  raw: ChannelModel;
  rawChannel: () => Promise<Channel>;
  log: ReturnType<typeof createTestLogger>;
  connectionName: string;
  startBroker(overrides?: Partial<BrokerOptions>): Promise<Broker>;
  cleanup(): Promise<void>;
}

/** A unique namespace (prefix and exchanges) per test, deleted afterwards through a raw channel. */
export async function createFixture(): Promise<Fixture> {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  const source = 'acme';
  const topology = buildTopology({
    sources: [source],
    prefix,
    erpExchange: `${prefix}.erp.events`,
    agencyExchange: `${prefix}.agency.events`,
    retryDelaysMs: [1000, 5000],
    deliveryLimit: 3,
  });
  const raw = await amqplib.connect(AMQP_URL);
  raw.on('error', () => undefined);
  const log = createTestLogger();
  const connectionName = `${prefix}-broker`;
  const brokers: Broker[] = [];
  const rawChannel = async (): Promise<Channel> => {
    const ch = await raw.createChannel();
    ch.on('error', () => undefined);
    return ch;
  };
  return {
    prefix,
    source,
    topology,
    names: {
      erp: `${prefix}.erp.events`,
      agency: `${prefix}.agency.events`,
      inbound: `${prefix}.${source}.inbound`,
      dlq: `${prefix}.dead-letter`,
      unroutable: `${prefix}.unroutable`,
      retry1s: `${prefix}.retry.1000ms`,
    },
    raw,
    rawChannel,
    log,
    connectionName,
    async startBroker(overrides = {}) {
      const broker = createBroker({
        url: AMQP_URL,
        topology,
        log,
        connectionName,
        reconnectBaseMs: 100,
        reconnectMaxMs: 1000,
        ...overrides,
      });
      brokers.push(broker);
      const up = onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'consume');
      const upPublish = onceEvent(
        broker,
        'connected',
        (p: { link: string }) => p.link === 'publish',
      );
      broker.start();
      await Promise.all([up, upPublish]);
      return broker;
    },
    async cleanup() {
      await Promise.all(brokers.map((b) => b.close()));
      for (const queue of topology.queues) {
        const ch = await rawChannel();
        await ch.deleteQueue(queue.name).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
      for (const exchange of topology.exchanges) {
        const ch = await rawChannel();
        await ch.deleteExchange(exchange.name).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
      await raw.close().catch(() => undefined);
    },
  };
}

/** Closes only the connections whose `connection_name` starts with `namePrefix` (rabbitmqctl). */
export async function closeConnectionsNamed(namePrefix: string): Promise<number> {
  const json = await run('rabbitmqctl', [
    'list_connections',
    'name',
    'client_properties',
    '-q',
    '--formatter',
    'json',
  ]);
  const rows = JSON.parse(json.stdout) as {
    name: string;
    client_properties: [string, string, unknown][];
  }[];
  const names = new Set(
    rows
      .filter((row) =>
        row.client_properties.some(
          ([k, , v]) => k === 'connection_name' && String(v).startsWith(namePrefix),
        ),
      )
      .map((row) => row.name),
  );
  // The JSON formatter prints pids in Elixir syntax, which close_connection does not accept.
  const table = await run('rabbitmqctl', ['list_connections', 'pid', 'name', '-s']);
  const pids = table.stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, name]) => name !== undefined && names.has(name))
    .map(([pid]) => pid!);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'test: forced close']);
  return pids.length;
}

/** Reads up to `max` messages from a queue with basic.get and acks them. */
export async function drainQueue(
  ch: Channel,
  queue: string,
  max = 100,
): Promise<amqplib.GetMessage[]> {
  const out: amqplib.GetMessage[] = [];
  for (let i = 0; i < max; i++) {
    const msg = await ch.get(queue, { noAck: true });
    if (msg === false) break;
    out.push(msg);
  }
  return out;
}

type Args = Record<string, unknown>;
const toArgs = (rows: [string, string, unknown][]): Args =>
  Object.fromEntries(rows.map(([k, , v]) => [k, v]));

type Entity = { type: string; durable: boolean; arguments: Args };

/** Queues or exchanges with their types and arguments as the broker holds them (rabbitmqctl). */
async function listEntities(
  what: 'list_queues' | 'list_exchanges',
  prefix: string,
): Promise<Map<string, Entity>> {
  const { stdout } = await run('rabbitmqctl', [
    what,
    'name',
    'type',
    'durable',
    'arguments',
    '-q',
    '--formatter',
    'json',
  ]);
  const rows = JSON.parse(stdout) as {
    name: string;
    type: string;
    durable: boolean;
    arguments: [string, string, unknown][];
  }[];
  return new Map(
    rows
      .filter((r) => r.name.startsWith(prefix))
      .map((r) => [r.name, { type: r.type, durable: r.durable, arguments: toArgs(r.arguments) }]),
  );
}

/** Queue types and arguments as the broker holds them (rabbitmqctl, independent of amqplib). */
export const listQueues = (prefix: string) => listEntities('list_queues', prefix);

export const listExchanges = (prefix: string) => listEntities('list_exchanges', prefix);

/** For one-line handlers: evaluates its arguments (the side effects), then resolves. */
export const settled = (..._effects: unknown[]): Promise<void> => Promise.resolve();
