/**
 * Runs every `bench/*.bench.ts` in sequence, each as its own process (`node bench/x.bench.ts`),
 * echoes its output, reads its figures (its last `RESULT {…}` line, or its text output for the
 * limiter, store and simulator benchmarks) and writes docs/performance.md: machine, date, commit,
 * and each figure beside its target from the issues, marked met or not
 * (bench/support/performance-report.ts).
 *
 *   node bench/run-all.ts [--only a,b] [--skip a,b] [--arg 'name=--n 20000' …]
 *                         [--use-output name=file …] [--timeout-s 1800] [--out docs/performance.md]
 *
 * `--arg` passes arguments to one benchmark (split on spaces); `--use-output` takes a benchmark's
 * figures from a saved output file instead of running it (e.g. a long run done earlier; it is
 * reported even when `--only` leaves it out). Throughput runs first and the latency benchmark
 * gets its connector rate as `--max-rate` (unless `--arg latency=…` sets one); the long memory
 * run goes last.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import { machineInfo } from './support/machine.ts';
import {
  resultOf,
  summarise,
  writeReportFile,
  type BenchRun,
} from './support/performance-report.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    arg: { type: 'string', multiple: true, default: [] },
    'use-output': { type: 'string', multiple: true, default: [] },
    'timeout-s': { type: 'string', default: '1800' },
    out: { type: 'string', default: 'docs/performance.md' },
  },
});

function pairs(list: string[]): Map<string, string> {
  return new Map(
    list.map((p) => {
      const at = p.indexOf('=');
      if (at < 1) throw new Error(`expected name=value, got ${p}`);
      return [p.slice(0, at), p.slice(at + 1)];
    }),
  );
}

/** Run order: throughput first (latency takes its rate), the long memory run last. */
const RUN_ORDER = ['throughput', 'latency', 'limiter', 'pollers', 'startup', 'store', 'simulator'];
const LAST = ['backlog-memory'];
/** Node flags per benchmark (both call gc() before their memory figures when it is exposed). */
const NODE_FLAGS: Record<string, string[]> = {
  pollers: ['--expose-gc'],
  simulator: ['--expose-gc'],
};

const all = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));
const rank = (name: string): number =>
  LAST.includes(name)
    ? 1000 + LAST.indexOf(name)
    : RUN_ORDER.includes(name)
      ? RUN_ORDER.indexOf(name)
      : RUN_ORDER.length;
const list = (s: string | undefined): string[] | undefined =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const only = list(values.only);
const skip = list(values.skip) ?? [];
const args = pairs(values.arg);
const saved = pairs(values['use-output']);
for (const name of [...(only ?? []), ...skip, ...args.keys(), ...saved.keys()]) {
  if (!all.includes(name))
    throw new Error(`no benchmark named ${name}; there are: ${all.sort().join(', ')}`);
}
const timeoutMs = Number(values['timeout-s']) * 1000;
const names = all
  .filter((name) => (only ? only.includes(name) || saved.has(name) : true) && !skip.includes(name))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

function runOne(name: string, extra: string[]): Promise<BenchRun> {
  const nodeArgs = [...(NODE_FLAGS[name] ?? []), `bench/${name}.bench.ts`, ...extra];
  const command = ['node', ...nodeArgs].join(' ');
  const file = saved.get(name);
  if (file) {
    const output = readFileSync(file, 'utf8');
    return Promise.resolve({
      name,
      command: `${command} (output saved in ${file})`,
      exitCode: 0,
      seconds: 0,
      result: resultOf(name, output),
      output,
    });
  }
  console.log(`\n=== ${command}`);
  const start = performance.now();
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    process.stdout.write(chunk);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => {
    output += `\n(killed after ${timeoutMs / 1000} s)\n`;
    child.kill('SIGTERM');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        name,
        command,
        exitCode: code,
        seconds: (performance.now() - start) / 1000,
        result: resultOf(name, output),
        output,
      });
    });
  });
}

/** The arguments of one benchmark; latency gets the throughput run's rate as its maximum. */
function argsFor(name: string, done: BenchRun[]): string[] {
  const extra = args.get(name)?.split(' ').filter(Boolean) ?? [];
  if (name === 'latency' && !extra.includes('--max-rate')) {
    const rate = done.find((r) => r.name === 'throughput')?.result?.figures.connectorPerSecond;
    if (typeof rate === 'number' && rate > 0) extra.push('--max-rate', String(rate));
  }
  return extra;
}

const loadBefore = loadavg();
const runs: BenchRun[] = [];
for (const name of names) runs.push(await runOne(name, argsFor(name, runs)));
const loadAfter = loadavg();
const machine = await machineInfo(AMQP_URL);
writeReportFile(values.out, {
  machine,
  runs,
  loadBefore,
  loadAfter,
  command: ['node bench/run-all.ts', ...process.argv.slice(2)].join(' '),
});
console.log(`\nwrote ${values.out}`);
for (const row of summarise(runs)) {
  if (row.verdict === 'not run') continue;
  console.log(`${row.bench}: ${row.label}: ${row.value} → ${row.verdict}`);
}
const failed = runs.filter((r) => r.result === null);
for (const run of failed) console.log(`${run.name}: exit ${run.exitCode ?? 'killed'}, no figures`);
process.exitCode = failed.length > 0 ? 1 : 0;
