/**
 * The set-up every connector benchmark repeats: the agency simulator in its own process, a
 * connector config in a fresh namespace (own exchanges and queues, fresh SQLite file), the
 * connector's topology declared on a raw amqplib connection, and everything removed afterwards.
 * The connector itself is started by the benchmark (`startConnector`), as it times the start.
 *
 * bench/latency.bench.ts and bench/startup.bench.ts use it; throughput.bench.ts (`runConnector`
 * and the simulator start/stop around it) and backlog-memory.bench.ts (the set-up before its
 * `try` and the `finally`) repeat the same steps by hand and could switch to it.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { TopologySpec } from '../../adapters/rabbitmq/index.ts';
import { connectorTopology, declare, deleteAll, openBroker, type BenchBroker } from './broker.ts';
import { benchConnectorConfig, childEnv, type BenchConnectorConfig } from './connector-config.ts';
import type { BenchConnectorProcess } from './connector-process.ts';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.ts';

export const BENCH_API_KEY = 'sim-key';

export interface ConnectorBedOptions {
  amqpUrl: string;
  /** Namespace label: exchanges and queues are named `<label>-<random>.…`. */
  label: string;
  prefetch?: number;
  maxConcurrent?: number;
  /** Default 100,000: the limiter effectively off. */
  requestsPerSecond?: number;
  /** Declare the connector's topology before it starts (default true). */
  declareTopology?: boolean;
}

export interface ConnectorBed {
  id: string;
  sim: SimulatorProcess;
  cfg: BenchConnectorConfig;
  spec: TopologySpec;
  broker: BenchBroker;
  /** The environment of a connector child (childEnv()). */
  env: Record<string, string>;
  /** Registers a started connector so close() stops it. */
  track(connector: BenchConnectorProcess): void;
  /** Stops tracked connectors and the simulator, deletes the namespace and the files. */
  close(): Promise<void>;
}

export async function openConnectorBed(options: ConnectorBedOptions): Promise<ConnectorBed> {
  const id = `${options.label}-${randomBytes(3).toString('hex')}`;
  const sim = await startSimulatorProcess(BENCH_API_KEY);
  let cfg: BenchConnectorConfig | null = null;
  let broker: BenchBroker | null = null;
  try {
    cfg = benchConnectorConfig({
      id,
      amqpUrl: options.amqpUrl,
      agencyBaseUrl: sim.baseUrl,
      apiKey: BENCH_API_KEY,
      prefetch: options.prefetch ?? 50,
      requestsPerSecond: options.requestsPerSecond ?? 100_000,
      maxConcurrent: options.maxConcurrent ?? 64,
    });
    const spec = connectorTopology(cfg.config);
    broker = await openBroker(options.amqpUrl);
    if (options.declareTopology ?? true) await declare(broker, spec);
    const connectors: BenchConnectorProcess[] = [];
    const theCfg = cfg;
    const theBroker = broker;
    return {
      id,
      sim,
      cfg,
      spec,
      broker,
      env: childEnv(),
      track: (c) => connectors.push(c),
      async close() {
        for (const c of connectors) await c.stop();
        await sim.stop();
        await deleteAll(theBroker, spec);
        await theBroker.close();
        theCfg.remove();
      },
    };
  } catch (err) {
    await broker?.close();
    cfg?.remove();
    await sim.stop();
    throw err;
  }
}

/** A TCP port that was free a moment ago (bound to port 0 on 127.0.0.1 and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
