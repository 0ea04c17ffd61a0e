/**
 * `agency-connector simulator [options]`: runs the simulator over HTTP until SIGINT/SIGTERM.
 * Prints the base URL on its first line. The clock follows real time (scaled by `--speed`)
 * unless `--manual-clock`; then only `POST /_sim/clock/advance` moves it.
 */
import { parseArgs } from 'node:util';
import { startAutoAdvance } from './clock.ts';
import type { AutoAdvanceOptions } from './clock.ts';
import { createSimulator } from './index.ts';
import type { SimulatorOptions } from './index.ts';
import type { FaultSettings } from './settings.ts';

export const SIMULATOR_HELP = `agency-connector simulator [options]

Runs the agency (CFIS partner API) simulator. Base URL: http://<host>:<port>/api/v1/partner,
admin API (no key): http://<host>:<port>/_sim (see docs/simulator.md).

  --port N                  listen port (default 8090; 0 = any free port)
  --host H                  listen address (default 127.0.0.1)
  --api-key K               accepted X-Api-Key, repeatable (default sim-key)
  --rate-limit RPS          per-key token bucket, requests per second (default off)
  --burst N                 token bucket size (default ceil(RPS))
  --seed N                  PRNG seed for faults (default 1)
  --start DATE              simulated clock start, ISO date or date-time (default now)
  --speed X                 simulated ms per real ms (default 1; 86400 = a day per second)
  --tick-ms N               how often the clock follows real time (default 1000)
  --manual-clock            clock moves only through POST /_sim/clock/advance
  --apply-actions-immediately  apply actions when received, not on the next clock tick
  --latency-ms N | A-B      added latency, fixed or uniform range (default 0)
  --fault-500 R             share of 500 answers before commit (0..1)
  --fault-503 R             share of 503 answers before commit
  --fault-429 R             share of random 429 answers
  --fault-409 R             share of forced 409 on POST /invoice
  --fault-commit-500 R      share committed then answered 500
  --fault-drop R            share committed then connection dropped
  --slow-body R             share of answers streamed slowly
  --fault-endpoint E        limit faults to an endpoint, e.g. "POST /invoice" (repeatable)
  -h, --help                this help
`;

export interface SimulatorCliConfig {
  port: number;
  host: string;
  options: SimulatorOptions;
  /** null with --manual-clock. */
  autoAdvance: AutoAdvanceOptions | null;
}

function num(
  name: string,
  value: string | undefined,
  check: (n: number) => boolean,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new Error(`invalid --${name}: ${value}`);
  return n;
}

const share = (n: number): boolean => n >= 0 && n <= 1;
const nonNegative = (n: number): boolean => n >= 0;

function latency(value: string | undefined): FaultSettings['latencyMs'] | undefined {
  if (value === undefined) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) return [Number(range[1]), Number(range[2])];
  return num('latency-ms', value, (n) => Number.isInteger(n) && n >= 0);
}

function definedOnly<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Parses the CLI arguments; returns null for `--help`. Throws on an invalid value. */
export function parseSimulatorArgs(argv: string[]): SimulatorCliConfig | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
      burst: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      speed: { type: 'string' },
      'tick-ms': { type: 'string' },
      'manual-clock': { type: 'boolean' },
      'apply-actions-immediately': { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'fault-500': { type: 'string' },
      'fault-503': { type: 'string' },
      'fault-429': { type: 'string' },
      'fault-409': { type: 'string' },
      'fault-commit-500': { type: 'string' },
      'fault-drop': { type: 'string' },
      'slow-body': { type: 'string' },
      'fault-endpoint': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const start = values.start === undefined ? undefined : new Date(values.start);
  if (start !== undefined && Number.isNaN(start.getTime()))
    throw new Error(`invalid --start: ${values.start}`);
  const rps = num('rate-limit', values['rate-limit'], (n) => n > 0);
  const faults = definedOnly({
    latencyMs: latency(values['latency-ms']),
    error500Rate: num('fault-500', values['fault-500'], share),
    error503Rate: num('fault-503', values['fault-503'], share),
    random429Rate: num('fault-429', values['fault-429'], share),
    conflict409Rate: num('fault-409', values['fault-409'], share),
    commitThen500Rate: num('fault-commit-500', values['fault-commit-500'], share),
    commitThenDropRate: num('fault-drop', values['fault-drop'], share),
    slowBodyRate: num('slow-body', values['slow-body'], share),
    endpoints: values['fault-endpoint'] as FaultSettings['endpoints'] | undefined,
  });
  const options: SimulatorOptions = {
    apiKeys: values['api-key'] ?? ['sim-key'],
    seed: num('seed', values.seed, Number.isInteger) ?? 1,
    rateLimit:
      rps === undefined
        ? null
        : { requestsPerSecond: rps, burst: num('burst', values.burst, (n) => n >= 1) },
    faults,
    lifecycle: values['apply-actions-immediately'] ? { applyActionsImmediately: true } : {},
    ...(start === undefined ? {} : { now: start }),
  };
  return {
    port: num('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n < 65536) ?? 8090,
    host: values.host ?? '127.0.0.1',
    options,
    autoAdvance: values['manual-clock']
      ? null
      : {
          speed: num('speed', values.speed, nonNegative) ?? 1,
          intervalMs:
            num('tick-ms', values['tick-ms'], (n) => Number.isInteger(n) && n > 0) ?? 1000,
        },
  };
}

export interface SimulatorCliIo {
  stdout: { write(text: string): unknown };
  /** Stops the simulator when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/** Runs the simulator until SIGINT, SIGTERM or `io.signal`; resolves once it has stopped. */
export async function runSimulatorCli(
  argv: string[],
  io: SimulatorCliIo = { stdout: process.stdout },
): Promise<void> {
  const config = parseSimulatorArgs(argv);
  if (config === null) {
    io.stdout.write(SIMULATOR_HELP);
    return;
  }
  const sim = createSimulator(config.options);
  const server = await sim.listen({ port: config.port, host: config.host });
  const stopClock = config.autoAdvance
    ? startAutoAdvance(sim.clock, config.autoAdvance)
    : () => undefined;
  io.stdout.write(`${server.baseUrl}\n`);
  io.stdout.write(
    `agency simulator: ${config.options.apiKeys?.length ?? 1} key(s), clock ${sim.clock.now().toISOString()}` +
      `${config.autoAdvance ? ` x${config.autoAdvance.speed ?? 1}` : ' (manual)'}, admin ${server.baseUrl.replace(/\/api\/v1\/partner$/, '/_sim')}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  stopClock();
  await server.close();
  io.stdout.write('agency simulator stopped\n');
}
