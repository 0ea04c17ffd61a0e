/**
 * docs/performance.md generation (bench/run-all.ts): figures read from fixed benchmark outputs
 * (RESULT lines, and the text of the limiter, store and simulator benchmarks), the met / not met
 * decisions of the summary, and the hand-written section kept across runs.
 */
import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../../../bench/support/machine.ts';
import {
  composeReport,
  KEEP_MARKER,
  renderReport,
  resultOf,
  summarise,
  type BenchRun,
} from '../../../bench/support/performance-report.ts';
import {
  parseLimiterOutput,
  parseSimulatorOutput,
  parseStoreOutput,
} from '../../../bench/support/text-results.ts';
import { distribution, median, percentile } from '../../../bench/support/stats.ts';

const LIMITER_PASS = `R=20/s: 200/200 calls ok, 200 sent over 9.95 s (wall 9.97 s) → 20.00/s (100.0% of R), 429 answers: 0, client saw refused: 0 → PASS
R=200/s: 2000/2000 calls ok, 2000 sent over 9.99 s (wall 10.12 s) → 200.03/s (100.0% of R), 429 answers: 0, client saw refused: 0 → PASS
`;

const LIMITER_SLOW = `R=20/s: 200/200 calls ok, 200 sent over 9.95 s (wall 9.97 s) → 20.00/s (100.0% of R), 429 answers: 0, client saw refused: 0 → PASS
R=200/s: 2000/2000 calls ok, 2000 sent over 10.55 s (wall 10.60 s) → 189.60/s (94.8% of R), 429 answers: 0, client saw refused: 0 → FAIL
`;

const STORE = `sqlite file, synchronous=FULL: 2000 pipeline commits (inbox + invoice + 1 outbox row) in 0.81 s = 2483 commits/s; latency p50 0.36 ms, p99 1.52 ms
sqlite file, synchronous=FULL: drained 20000 pending outbox rows (pendingOutbox(100) + markOutboxSent) in 0.21 s = 95776 rows/s (958 batches/s)
sqlite :memory: (no fsync, for reference): 2000 pipeline commits (inbox + invoice + 1 outbox row) in 0.06 s = 33027 commits/s; latency p50 0.03 ms, p99 0.11 ms
`;

const SIMULATOR = `agency simulator benchmark: 100,000 invoices, ledger bodies on, node v24.21.0
start                                        heap 20 MiB, rss 113 MiB
POST /invoice                                 100,000 x in   6178 ms, 16,187 req/s (per tenth: 8365 15745 21923 15516 14879 17982 16820 21388 22726 19374)
after 100,000 invoices                       heap 268 MiB, rss 472 MiB
clock advance 0 (distribute all)                    1 x in    211 ms
GET /invoice/case?invoiceNumber                10,000 x in    341 ms, 29,362 req/s
pay (10,000 invoices)                          10,000 x in     79 ms, 126,181 req/s
clock advance 40 days (stages for all cases)        1 x in     39 ms
end                                          heap 325 MiB, rss 658 MiB
`;

const THROUGHPUT = `baseline   : 5000 messages in 4.12 s → 1213 msg/s
connector  : 5000 invoices in 29.15 s → 172 invoices/s
RESULT {"name":"throughput","figures":{"messages":5000,"connectorPerSecond":99,"ratioPercent":1},"targets":{}}
RESULT {"name":"throughput","figures":{"messages":5000,"baselinePerSecond":1213,"connectorPerSecond":172,"ratioPercent":14.1,"acceptedResults":5000},"targets":{"absolute":{"description":"≥ 800 invoices/s end to end","figure":"connectorPerSecond","met":false},"allAccepted":{"description":"every invoice answered by invoice.accepted","figure":"acceptedResults","met":true},"ratio":{"description":"≥ 50% of the raw baseline","figure":"ratioPercent","met":false}}}
`;

const LATENCY = `max rate   : 172 invoices/s (given with --max-rate)
RESULT {"name":"latency","figures":{"maxRatePerSecond":172,"offeredPerSecond":86,"p50Ms":13.1,"p90Ms":24.7,"p99Ms":155.1,"maxMs":223.8},"targets":{}}
`;

const POLLERS_NO_BUDGET_TARGET = `RESULT {"name":"pollers","figures":{"settlementPollSeconds":18.95,"settlementAllocationsPerSecond":2638,"casePollSeconds":1,"casePollCalls":10000,"caseRunsToCoverAll":11},"targets":{"coverage":{"description":"every open case checked within 10 case polls","figure":"caseRunsToCoverAll","met":false}}}
`;

function run(name: string, output: string, exitCode: number | null = 0): BenchRun {
  return {
    name,
    command: `node bench/${name}.bench.ts`,
    exitCode,
    seconds: 12,
    result: resultOf(name, output),
    output,
  };
}

const MACHINE: MachineInfo = {
  cpuModel: 'AMD EPYC',
  cores: 2,
  memoryGb: 23.5,
  node: 'v24.21.0',
  rabbitmq: '3.10.8',
  commit: 'abc1234 (with uncommitted changes)',
  date: '2026-11-24T10:00:00.000Z',
};

describe('text outputs', () => {
  it('reads the limiter at both rates and meets its targets when ≥ 98% of R with no 429', () => {
    const r = parseLimiterOutput(LIMITER_PASS)!;
    expect(r.figures).toMatchObject({
      r20AchievedPerSecond: 20,
      r20PercentOfR: 100,
      r200AchievedPerSecond: 200.03,
      r200Answered429: 0,
      r200Calls: 2000,
    });
    expect(r.targets.r20?.met).toBe(true);
    expect(r.targets.r200?.met).toBe(true);
  });

  it('fails the limiter at 94.8% of R, with 429 answers, or with calls not ok', () => {
    expect(parseLimiterOutput(LIMITER_SLOW)!.targets.r200?.met).toBe(false);
    expect(parseLimiterOutput(LIMITER_SLOW)!.targets.r20?.met).toBe(true);
    const with429 = LIMITER_PASS.replace(
      '429 answers: 0, client saw refused: 0 → PASS\nR=200',
      '429 answers: 3, client saw refused: 0 → FAIL\nR=200',
    );
    expect(parseLimiterOutput(with429)!.targets.r20?.met).toBe(false);
    const notOk = LIMITER_PASS.replace('2000/2000 calls ok', '1999/2000 calls ok');
    expect(parseLimiterOutput(notOk)!.targets.r200?.met).toBe(false);
    // exactly 98% passes
    const edge = LIMITER_PASS.replace('→ 200.03/s (100.0% of R)', '→ 196.00/s (98.0% of R)');
    expect(parseLimiterOutput(edge)!.targets.r200?.met).toBe(true);
  });

  it('gives null for an output without the expected lines', () => {
    expect(parseLimiterOutput('Error: connect ECONNREFUSED\n')).toBeNull();
    expect(parseStoreOutput('')).toBeNull();
    expect(parseSimulatorOutput('crash')).toBeNull();
    expect(resultOf('limiter', 'Error: boom')).toBeNull();
    expect(resultOf('unknown', LIMITER_PASS)).toBeNull();
  });

  it('reads the store figures', () => {
    expect(parseStoreOutput(STORE)!.figures).toEqual({
      fileCommitsPerSecond: 2483,
      fileCommitP50Ms: 0.36,
      fileCommitP99Ms: 1.52,
      fileOutboxRowsPerSecond: 95776,
      fileOutboxRows: 20000,
      memoryCommitsPerSecond: 33027,
      memoryCommitP50Ms: 0.03,
      memoryCommitP99Ms: 0.11,
    });
  });

  it('reads the simulator figures', () => {
    const f = parseSimulatorOutput(SIMULATOR)!.figures;
    expect(f['POST /invoice: req/s']).toBe(16187);
    expect(f['POST /invoice: req/s per tenth']).toBe(
      '8365 15745 21923 15516 14879 17982 16820 21388 22726 19374',
    );
    expect(f['POST /invoice: last tenth vs first, %']).toBe(232);
    expect(f['clock advance 0 (distribute all): ms']).toBe(211);
    expect(f['pay (10,000 invoices): req/s']).toBe(126181);
    expect(f['after 100,000 invoices: heap MiB']).toBe(268);
    expect(f['end: rss MiB']).toBe(658);
  });

  it('takes the last RESULT line over the text', () => {
    expect(resultOf('throughput', THROUGHPUT)?.figures.connectorPerSecond).toBe(172);
  });
});

describe('summary', () => {
  const runs = [
    run('throughput', THROUGHPUT),
    run('limiter', LIMITER_SLOW, 1),
    run('latency', LATENCY),
    run('store', STORE),
  ];
  const rows = summarise(runs);
  const row = (bench: string, label: RegExp) => {
    const found = rows.find((r) => r.bench === bench && label.test(r.label));
    if (!found) throw new Error(`no row ${bench} ${label}`);
    return found;
  };

  it('marks each target met or not, with the issue it comes from', () => {
    const tp = row('throughput', /end-to-end/);
    expect(tp.value).toBe('172 invoices/s (5000 invoices)');
    expect(tp.target).toBe('≥ 800 invoices/s end to end — issue 4');
    expect(tp.verdict).toBe('not met');
    expect(row('throughput', /baseline, same run/)).toMatchObject({
      value: '1213 msg/s',
      verdict: 'no target',
    });
    expect(row('throughput', /÷ baseline/)).toMatchObject({
      value: '14.1 %',
      verdict: 'not met',
    });
    expect(row('limiter', /R = 20\//)).toMatchObject({ verdict: 'met' });
    expect(row('limiter', /R = 200\//)).toMatchObject({
      value: '94.8 % of R (189.6/s, 0 × 429)',
      verdict: 'not met',
    });
    expect(row('limiter', /R = 200\//).target).toContain('— issue 3');
  });

  it('adds targets no summary row covers', () => {
    expect(row('throughput', /acceptedResults/)).toMatchObject({ value: '5000', verdict: 'met' });
    // placed after the benchmark's own rows
    const at = rows.findIndex((r) => r.label === 'acceptedResults');
    expect(rows[at - 1]?.bench).toBe('throughput');
    expect(rows[at + 1]?.bench).toBe('limiter');
  });

  it('says "no target set" where no issue names a figure', () => {
    const p50 = row('latency', /p50/);
    expect(p50.value).toBe('13.1 ms (86/s offered, max 172/s)');
    expect(p50.verdict).toBe('no target');
    expect(p50.target).toMatch(/^no target set: issue 7 asks for p50\/p99/);
    expect(row('latency', /p99/).value).toBe('155.1 ms (max 223.8 ms)');
    expect(row('store', /commits/)).toMatchObject({
      value: '2483 commits/s (p99 1.52 ms)',
      verdict: 'no target',
    });
  });

  it('marks benchmarks that did not run, and targets of a failed run as not met', () => {
    expect(row('backlog-memory', /max RSS/)).toMatchObject({
      value: 'not run',
      verdict: 'not run',
    });
    expect(row('startup', /readyz/).verdict).toBe('not run');
    expect(row('backlog-memory', /max RSS/).target).toBe(
      'RSS < 300 MB while draining a 100,000-message backlog — issue 4',
    );
    const short = summarise([
      run(
        'backlog-memory',
        'RESULT {"name":"backlog-memory","figures":{"messages":3000,"rssMaxMb":165},"targets":{"rssCap":{"description":"RSS < 300 MB throughout","figure":"rssMaxMb","met":true}}}',
      ),
    ]);
    expect(short.find((r) => /max RSS/.test(r.label))).toMatchObject({
      value: '165 MB (3000 messages; a short run: issue 4 asks for 100,000)',
      verdict: 'met',
    });
    const crashed = summarise([run('backlog-memory', 'Error: connect ECONNREFUSED', 1)]);
    expect(crashed.find((r) => /max RSS/.test(r.label))).toMatchObject({
      value: 'no figures (exit 1)',
      verdict: 'not met',
    });
  });

  it('marks a target a run did not report as not measured', () => {
    const r = summarise([run('pollers', POLLERS_NO_BUDGET_TARGET)]);
    expect(r.find((x) => /calls in one run/.test(x.label))).toMatchObject({
      value: '10,000 calls in 1 s',
      verdict: 'not measured',
    });
    expect(r.find((x) => /every open case/.test(x.label))).toMatchObject({
      value: '11 runs',
      verdict: 'not met',
    });
  });
});

describe('report', () => {
  const runs = [
    run('latency', LATENCY),
    run('throughput', THROUGHPUT),
    run('limiter', LIMITER_PASS),
    run('simulator', SIMULATOR),
  ];
  const text = renderReport({
    machine: MACHINE,
    runs,
    loadBefore: [0.5, 0.25, 0.1],
    loadAfter: [1.5, 1, 0.5],
    command: 'node bench/run-all.ts --only latency',
  });

  it('holds the machine, the date, the commit and the load', () => {
    expect(text).toContain('| CPU | AMD EPYC |');
    expect(text).toContain('| RabbitMQ | 3.10.8 |');
    expect(text).toContain('| date | 2026-11-24T10:00:00.000Z |');
    expect(text).toContain('| git commit | abc1234 (with uncommitted changes) |');
    expect(text).toContain('| load average (1/5/15 min) before | 0.50 / 0.25 / 0.10 |');
  });

  it('counts the targets met and names what did not run', () => {
    // throughput: absolute, ratio (not met), allAccepted (met); limiter: r20, r200 (met)
    expect(text).toContain(
      '3 of 5 targets met; not run this time: backlog-memory, pollers, startup, store.',
    );
    expect(text).toContain(
      '| throughput | end-to-end throughput (limiter off) | 172 invoices/s (5000 invoices) | ≥ 800 invoices/s end to end — issue 4 | **not met** |',
    );
  });

  it('puts the sections in the issue order and shows text-only outputs', () => {
    const order = ['## throughput', '## limiter', '## latency', '## simulator'].map((h) =>
      text.indexOf(h),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('No target set: issue 7 asks for p50/p99 at half the maximum rate');
    expect(text).toContain('Its output:');
    expect(text).toContain('| POST /invoice: req/s | 16,187 |');
  });

  it('keeps the hand-written section, the same after any number of runs', () => {
    const existing = `# old\n\n${KEEP_MARKER}\n\n## Notes\n\nwritten by hand\n`;
    const once = composeReport(text, existing);
    expect(once.startsWith('# Performance')).toBe(true);
    expect(once).toContain(`${KEEP_MARKER}\n\n## Notes\n\nwritten by hand\n`);
    expect(composeReport(text, once)).toBe(once);
    expect(composeReport(text, null)).toContain(KEEP_MARKER);
  });
});

describe('stats', () => {
  it('nearest-rank percentiles and the median', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(distribution([5, 1, 3])).toMatchObject({ count: 3, min: 1, max: 5, p50: 3, mean: 3 });
  });
});
