/**
 * docs/performance.md from the benchmark runs (bench/run-all.ts): the machine and its load, a
 * summary with one row per figure issue 7 asks for (throughput beside the baseline, limiter at two
 * rates, backlog memory, latency, poller scale, start-up; then store and simulator), each beside
 * its target from the issues and marked met or not, then a section per benchmark. Everything
 * after KEEP_MARKER in the existing file (hand-written analysis) is kept.
 *
 * Figures come from a benchmark's last `RESULT {…}` line, or for the text-only benchmarks
 * (limiter, store, simulator) from their output (text-results.ts). Pure except writeReportFile.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './machine.ts';
import { KEEP_MARKER, type BenchRun } from './report.ts';
import { parseResult, type BenchResult } from './result.ts';
import { parseTextOutput } from './text-results.ts';

export { KEEP_MARKER, type BenchRun };

/** The order of the report (issue 7's order), and of the sections. */
export const REPORT_ORDER = [
  'throughput',
  'limiter',
  'backlog-memory',
  'latency',
  'pollers',
  'startup',
  'store',
  'simulator',
];

/**
 * The targets the issues set, by benchmark and by the target's key in its RESULT: where each
 * comes from, and its wording there (shown when the benchmark did not run; a run's own
 * description, which names the parameters, is shown otherwise).
 */
export const ISSUE_TARGETS: Record<string, Record<string, { source: string; text: string }>> = {
  throughput: {
    absolute: { source: 'issue 4', text: '≥ 800 invoices/s end to end' },
    ratio: { source: 'issue 4', text: '≥ 50% of the raw baseline' },
    allAccepted: {
      source: 'issue 4 (exactly once)',
      text: 'every invoice answered by invoice.accepted',
    },
  },
  'backlog-memory': {
    rssCap: { source: 'issue 4', text: 'RSS < 300 MB while draining a 100,000-message backlog' },
    rssFlat: {
      source: 'issue 4 ("stops growing"; the 10% allowance is the benchmark\'s reading)',
      text: 'RSS stops growing after the first tenth of the drain',
    },
    allAccepted: {
      source: 'issue 4 (exactly once)',
      text: 'every invoice answered by invoice.accepted',
    },
  },
  limiter: {
    r20: { source: 'issue 3', text: 'at R = 20/s: ≥ 98% of R sustained, zero 429 answers' },
    r200: { source: 'issue 3', text: 'at R = 200/s: ≥ 98% of R sustained, zero 429 answers' },
  },
  pollers: {
    coverage: {
      source: 'issue 5',
      text: 'every open case checked within 10 runs (100,000 open cases, 10,000-call budget)',
    },
    budget: { source: 'issue 5', text: 'a case poll makes at most its budget of calls' },
  },
};

/** Why a benchmark has no target. */
export const NO_TARGET: Record<string, string> = {
  latency: 'issue 7 asks for p50/p99 at half the maximum rate; no issue sets a figure',
  startup: 'issue 7 asks for the start-up time to ready; no issue sets a figure',
  store: 'no issue sets a figure for the store alone',
  simulator:
    'issue 3: 100k invoices must not slow the simulator enough to distort the connector benchmarks; no figure',
};

type Figures = Record<string, number | string>;

export interface ReportItem {
  bench: string;
  label: string;
  /** The value cell, or null when the figure is missing. */
  show(f: Figures): string | null;
  /** Key of the benchmark's target checked by this row; absent: no target set. */
  target?: string;
  /** Why this row has no target (default NO_TARGET[bench]). */
  noTarget?: string;
}

function has(f: Figures, ...keys: string[]): boolean {
  return keys.every((k) => f[k] !== undefined && f[k] !== null && !Number.isNaN(f[k]));
}

function fmt(value: number | string | undefined): string {
  if (typeof value !== 'number') return String(value);
  return Math.abs(value) >= 10_000 ? value.toLocaleString('en') : String(value);
}

const show =
  (key: string, unit: string, extra?: (f: Figures) => string) =>
  (f: Figures): string | null =>
    has(f, key) ? `${fmt(f[key])} ${unit}${extra ? extra(f) : ''}`.trim() : null;

/** The summary rows: what issue 7 asks the report to hold, in its order. */
export const REPORT_ITEMS: ReportItem[] = [
  {
    bench: 'throughput',
    label: 'end-to-end throughput (limiter off)',
    show: show('connectorPerSecond', 'invoices/s', (f) =>
      has(f, 'messages') ? ` (${fmt(f.messages)} invoices)` : '',
    ),
    target: 'absolute',
  },
  {
    bench: 'throughput',
    label: 'raw baseline, same run',
    show: show('baselinePerSecond', 'msg/s'),
    noTarget: 'the reference of the ratio below',
  },
  {
    bench: 'throughput',
    label: 'throughput ÷ baseline',
    show: show('ratioPercent', '%'),
    target: 'ratio',
  },
  {
    bench: 'limiter',
    label: 'limiter fidelity at R = 20/s',
    show: show('r20PercentOfR', '% of R', (f) =>
      has(f, 'r20AchievedPerSecond', 'r20Answered429')
        ? ` (${f.r20AchievedPerSecond}/s, ${f.r20Answered429} × 429)`
        : '',
    ),
    target: 'r20',
  },
  {
    bench: 'limiter',
    label: 'limiter fidelity at R = 200/s',
    show: show('r200PercentOfR', '% of R', (f) =>
      has(f, 'r200AchievedPerSecond', 'r200Answered429')
        ? ` (${f.r200AchievedPerSecond}/s, ${f.r200Answered429} × 429)`
        : '',
    ),
    target: 'r200',
  },
  {
    bench: 'backlog-memory',
    label: 'backlog drain: max RSS',
    show: show('rssMaxMb', 'MB', (f) =>
      has(f, 'messages')
        ? ` (${fmt(f.messages)} messages${Number(f.messages) < 100_000 ? '; a short run: issue 4 asks for 100,000' : ''})`
        : '',
    ),
    target: 'rssCap',
  },
  {
    bench: 'backlog-memory',
    label: 'backlog drain: RSS growth after the first tenth',
    show: show('growthAfterTenthPercent', '%', (f) =>
      has(f, 'rssAt10PercentMb', 'rssAt100PercentMb')
        ? ` (${f.rssAt10PercentMb} MB at 10% → ${f.rssAt100PercentMb} MB at 100%)`
        : '',
    ),
    target: 'rssFlat',
  },
  {
    bench: 'latency',
    label: 'latency p50 at half the maximum rate',
    show: show('p50Ms', 'ms', (f) =>
      has(f, 'offeredPerSecond', 'maxRatePerSecond')
        ? ` (${f.offeredPerSecond}/s offered, max ${f.maxRatePerSecond}/s)`
        : '',
    ),
  },
  {
    bench: 'latency',
    label: 'latency p99 at half the maximum rate',
    show: show('p99Ms', 'ms', (f) => (has(f, 'maxMs') ? ` (max ${f.maxMs} ms)` : '')),
  },
  {
    bench: 'pollers',
    label: 'settlement poll (5,000 settlements, 50,000 allocations by default)',
    show: show('settlementPollSeconds', 's', (f) =>
      has(f, 'settlementAllocationsPerSecond')
        ? ` (${fmt(f.settlementAllocationsPerSecond)} allocations/s)`
        : '',
    ),
    noTarget: 'issue 5 asks to print the time and memory; no figure',
  },
  {
    bench: 'pollers',
    label: 'case poll: calls in one run (100,000 open cases by default)',
    show: show('casePollCalls', 'calls', (f) =>
      has(f, 'casePollSeconds') ? ` in ${f.casePollSeconds} s` : '',
    ),
    target: 'budget',
  },
  {
    bench: 'pollers',
    label: 'case poll: runs until every open case was checked',
    show: show('caseRunsToCoverAll', 'runs'),
    target: 'coverage',
  },
  {
    bench: 'startup',
    label: 'start-up: spawn → /readyz ready (median)',
    show: show('readyMedianMs', 'ms', (f) =>
      has(f, 'readyMaxMs', 'runs') ? ` (max ${f.readyMaxMs} ms, ${f.runs} runs)` : '',
    ),
  },
  {
    bench: 'startup',
    label: 'start-up: spawn → "connector started" log line (median)',
    show: show('startedMedianMs', 'ms', (f) =>
      has(f, 'startedMaxMs') ? ` (max ${f.startedMaxMs} ms)` : '',
    ),
  },
  {
    bench: 'store',
    label: 'store: pipeline commits (SQLite file, synchronous=FULL)',
    show: show('fileCommitsPerSecond', 'commits/s', (f) =>
      has(f, 'fileCommitP99Ms') ? ` (p99 ${f.fileCommitP99Ms} ms)` : '',
    ),
  },
  {
    bench: 'simulator',
    label: 'simulator: creates (100,000 invoices by default)',
    show: show('POST /invoice: req/s', 'req/s', (f) =>
      has(f, 'POST /invoice: last tenth vs first, %')
        ? ` (last tenth ${f['POST /invoice: last tenth vs first, %']}% of the first)`
        : '',
    ),
  },
];

/** A run's figures: its RESULT line, else what its text output holds. */
export function resultOf(name: string, output: string): BenchResult | null {
  return parseResult(output) ?? parseTextOutput(name, output);
}

export type Verdict = 'met' | 'not met' | 'no target' | 'not run' | 'not measured';

export interface SummaryRow {
  bench: string;
  label: string;
  value: string;
  target: string;
  verdict: Verdict;
}

function targetText(bench: string, key: string, description?: string): string {
  const known = ISSUE_TARGETS[bench]?.[key];
  const text = description ?? known?.text ?? key;
  return known ? `${text} — ${known.source}` : text;
}

/** One row per REPORT_ITEMS entry, then one per target no item covers (e.g. allAccepted). */
export function summarise(runs: BenchRun[], items: ReportItem[] = REPORT_ITEMS): SummaryRow[] {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const rows: SummaryRow[] = [];
  const covered = new Set<string>();
  for (const item of items) {
    const run = byName.get(item.bench);
    if (item.target) covered.add(`${item.bench}/${item.target}`);
    const noTarget = `no target set: ${item.noTarget ?? NO_TARGET[item.bench] ?? 'no issue names one'}`;
    if (!run) {
      rows.push({
        bench: item.bench,
        label: item.label,
        value: 'not run',
        target: item.target ? targetText(item.bench, item.target) : noTarget,
        verdict: 'not run',
      });
      continue;
    }
    const result = run.result;
    const value = result
      ? (item.show(result.figures) ?? '—')
      : `no figures (exit ${run.exitCode ?? 'killed'})`;
    if (!item.target) {
      rows.push({
        bench: item.bench,
        label: item.label,
        value,
        target: noTarget,
        verdict: 'no target',
      });
      continue;
    }
    const t = result?.targets[item.target];
    rows.push({
      bench: item.bench,
      label: item.label,
      value,
      target: t ? targetText(item.bench, item.target, t.description) : '(target not reported)',
      verdict: t ? (t.met ? 'met' : 'not met') : result ? 'not measured' : 'not met',
    });
  }
  for (const run of runs) {
    for (const [key, t] of Object.entries(run.result?.targets ?? {})) {
      if (covered.has(`${run.name}/${key}`)) continue;
      const value = run.result?.figures[t.figure];
      // After the benchmark's last row, else at the end.
      const after = rows.findLastIndex((r) => r.bench === run.name);
      rows.splice(after < 0 ? rows.length : after + 1, 0, {
        bench: run.name,
        label: `${t.figure}`,
        value: value === undefined ? '—' : fmt(value),
        target: targetText(run.name, key, t.description),
        verdict: t.met ? 'met' : 'not met',
      });
    }
  }
  return rows;
}

function cell(value: unknown): string {
  return String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function verdictCell(v: Verdict): string {
  if (v === 'met') return 'met';
  if (v === 'not met') return '**not met**';
  if (v === 'not measured') return '**not measured**';
  return v === 'not run' ? 'not run' : '—';
}

export function sortRuns(runs: BenchRun[]): BenchRun[] {
  const rank = (name: string) => {
    const i = REPORT_ORDER.indexOf(name);
    return i < 0 ? REPORT_ORDER.length : i;
  };
  return [...runs].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

function section(run: BenchRun): string[] {
  const lines = [
    `## ${run.name}`,
    '',
    `\`${run.command}\` — exit ${run.exitCode ?? 'killed'}, ${run.seconds.toFixed(0)} s`,
    '',
  ];
  const r = run.result;
  if (!r) {
    const tail = run.output.trimEnd().split('\n').slice(-80).join('\n');
    lines.push('No figures found; the end of its output:', '', '```text', tail, '```', '');
    return lines;
  }
  const targets = Object.entries(r.targets);
  if (targets.length > 0) {
    lines.push('| target | source | figure | value | met |', '|---|---|---|---|---|');
    for (const [key, t] of targets) {
      lines.push(
        `| ${cell(t.description)} | ${cell(ISSUE_TARGETS[run.name]?.[key]?.source ?? '—')} | ${t.figure} | ${cell(fmt(r.figures[t.figure] ?? '—'))} | ${t.met ? 'met' : '**not met**'} |`,
      );
    }
  } else {
    lines.push(`No target set: ${NO_TARGET[run.name] ?? 'no issue names one'}.`);
  }
  lines.push('', '| figure | value |', '|---|---|');
  for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${cell(k)} | ${cell(fmt(v))} |`);
  lines.push('');
  for (const note of r.notes ?? []) lines.push(`- ${note}`);
  if ((r.notes ?? []).length > 0) lines.push('');
  if (parseResult(run.output) === null) {
    // Figures read from the text: show the text too.
    const text = run.output
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('==='))
      .join('\n');
    lines.push('Its output:', '', '```text', text, '```', '');
  }
  return lines;
}

export interface ReportInput {
  machine: MachineInfo;
  runs: BenchRun[];
  /** os.loadavg() before the first and after the last benchmark. */
  loadBefore?: number[];
  loadAfter?: number[];
  /** The run-all command line. */
  command?: string;
}

/** The generated part of docs/performance.md (everything before KEEP_MARKER). */
export function renderReport(input: ReportInput): string {
  const runs = sortRuns(input.runs);
  const rows = summarise(runs);
  const withTarget = rows.filter((r) => r.verdict !== 'no target' && r.verdict !== 'not run');
  const met = withTarget.filter((r) => r.verdict === 'met').length;
  const notRun = REPORT_ORDER.filter((n) => !runs.some((r) => r.name === n));
  const load = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : '—');
  const m = input.machine;
  const lines = [
    '# Performance',
    '',
    'Generated by `npm run bench` (`node bench/run-all.ts`); each benchmark runs as its own process,',
    'one after another. The section after the marker at the end is written by hand and kept across runs.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${cell(m.cpuModel)} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memoryGb} GB |`,
    `| Node | ${m.node} |`,
    `| RabbitMQ | ${m.rabbitmq} |`,
    `| date | ${m.date} |`,
    `| git commit | ${cell(m.commit)} |`,
    `| load average (1/5/15 min) before | ${load(input.loadBefore)} |`,
    `| load average (1/5/15 min) after | ${load(input.loadAfter)} |`,
    ...(input.command ? [`| command | \`${cell(input.command)}\` |`] : []),
    '',
    '## Summary',
    '',
    `${met} of ${withTarget.length} targets met` +
      (notRun.length > 0 ? `; not run this time: ${notRun.join(', ')}.` : '.'),
    '',
    '| benchmark | figure | value | target (source) | met |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.bench} | ${cell(r.label)} | ${cell(r.value)} | ${cell(r.target)} | ${verdictCell(r.verdict)} |`,
    ),
    '',
    ...runs.flatMap(section),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The whole file: the generated part, then KEEP_MARKER and the kept hand-written text. */
export function composeReport(generated: string, existing: string | null): string {
  const kept = existing?.split(KEEP_MARKER)[1]?.replace(/^\n+/, '') ?? '';
  return `${`${generated.trimEnd()}\n\n${KEEP_MARKER}\n\n${kept}`.trimEnd()}\n`;
}

export function writeReportFile(file: string, input: ReportInput): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
  writeFileSync(file, composeReport(renderReport(input), existing));
}
