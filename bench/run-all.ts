/**
 * Runs every `bench/*.bench.ts` in sequence, each as its own process (`node bench/x.bench.ts`),
 * echoes its output, reads its last `RESULT {…}` line, and writes docs/performance.md.
 *
 *   node bench/run-all.ts [--only a,b] [--skip a,b] [--arg 'name=--n 20000' …]
 *                         [--use-output name=file …] [--timeout-s 1800] [--out docs/performance.md]
 *
 * `--arg` passes arguments to one benchmark (split on spaces); `--use-output` takes a benchmark's
 * figures from a saved output file instead of running it (e.g. a long run done earlier).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AMQP_URL } from '../test/helpers/amqp.ts';
import { machineInfo } from './support/machine.ts';
import { writeReport, type BenchRun } from './support/report.ts';
import { parseResult } from './support/result.ts';

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

const only = values.only?.split(',');
const skip = values.skip?.split(',') ?? [];
const args = pairs(values.arg);
const saved = pairs(values['use-output']);
const timeoutMs = Number(values['timeout-s']) * 1000;
// The long memory run goes last.
const names = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort(
    (a, b) => Number(a === 'backlog-memory') - Number(b === 'backlog-memory') || a.localeCompare(b),
  )
  .filter((name) => (only ? only.includes(name) : true) && !skip.includes(name));

function runOne(name: string): Promise<BenchRun> {
  const extra = args.get(name)?.split(' ').filter(Boolean) ?? [];
  const command = ['node', `bench/${name}.bench.ts`, ...extra].join(' ');
  const file = saved.get(name);
  if (file) {
    const output = readFileSync(file, 'utf8');
    return Promise.resolve({
      name,
      command: `${command} (output saved in ${file})`,
      exitCode: 0,
      seconds: 0,
      result: parseResult(output),
      output,
    });
  }
  console.log(`\n=== ${command}`);
  const start = performance.now();
  const child = spawn(process.execPath, [`bench/${name}.bench.ts`, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
        result: parseResult(output),
        output,
      });
    });
  });
}

const runs: BenchRun[] = [];
for (const name of names) runs.push(await runOne(name));
const machine = await machineInfo(AMQP_URL);
writeReport(values.out, machine, runs);
console.log(`\nwrote ${values.out}`);
for (const run of runs) {
  const targets = Object.values(run.result?.targets ?? {});
  const met = targets.filter((t) => t.met).length;
  console.log(
    `${run.name}: exit ${run.exitCode}, ${run.result ? `${met}/${targets.length} targets met` : 'no RESULT line'}`,
  );
}
