/**
 * Figures of the benchmarks that print text and no `RESULT {…}` line (limiter, store, simulator),
 * read from their output by bench/run-all.ts. Each parser returns a BenchResult as if the
 * benchmark had printed one, or null when its output holds none of the expected lines.
 */
import type { BenchResult, BenchTarget } from './result.ts';

/** Issue 3: the client sustains at least 98% of R with zero 429 answers, at R = 20 and R = 200. */
export const LIMITER_MIN_SHARE = 0.98;
export const LIMITER_RATES = [20, 200] as const;

const LIMITER_LINE =
  /^R=(\d+)\/s: (\d+)\/(\d+) calls ok, (\d+) sent over ([\d.]+) s \(wall ([\d.]+) s\) → ([\d.]+)\/s \(([\d.]+)% of R\), 429 answers: (\d+), client saw refused: (\d+)/;

export function parseLimiterOutput(output: string): BenchResult | null {
  const figures: Record<string, number> = {};
  const targets: Record<string, BenchTarget> = {};
  for (const line of output.split('\n')) {
    const m = LIMITER_LINE.exec(line.trim());
    if (!m) continue;
    const [rate, ok, calls, sent, , , achieved, percent, answered429, refused] = m
      .slice(1)
      .map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const p = `r${rate}`;
    figures[`${p}AchievedPerSecond`] = achieved;
    figures[`${p}PercentOfR`] = percent;
    figures[`${p}Answered429`] = answered429;
    figures[`${p}CallsOk`] = ok;
    figures[`${p}Calls`] = calls;
    figures[`${p}Sent`] = sent;
    figures[`${p}ClientRefused`] = refused;
    targets[p] = {
      description: `at R = ${rate}/s: ≥ ${100 * LIMITER_MIN_SHARE}% of R sustained, zero 429 answers, every call ok`,
      figure: `${p}PercentOfR`,
      met:
        ok === calls && sent === calls && answered429 === 0 && achieved >= LIMITER_MIN_SHARE * rate,
    };
  }
  if (Object.keys(targets).length === 0) return null;
  return {
    name: 'limiter',
    figures,
    targets,
    notes: [
      'Agency client against the simulator (in process) enforcing R per second (token bucket of R/4); sustained rate = sends per second between the first and the last send.',
    ],
  };
}

const STORE_COMMITS =
  /^(.+?): (\d+) pipeline commits .* in ([\d.]+) s = (\d+) commits\/s; latency p50 ([\d.]+) ms, p99 ([\d.]+) ms/;
const STORE_RELAY =
  /^(.+?): drained (\d+) pending outbox rows .* in ([\d.]+) s = (\d+) rows\/s \((\d+) batches\/s\)/;

/** `sqlite file, synchronous=FULL` → `file`, `sqlite :memory: (…)` → `memory`. */
function storeKind(label: string): string {
  return label.includes(':memory:') ? 'memory' : 'file';
}

export function parseStoreOutput(output: string): BenchResult | null {
  const figures: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const c = STORE_COMMITS.exec(line.trim());
    if (c) {
      const k = storeKind(c[1]!);
      figures[`${k}CommitsPerSecond`] = Number(c[4]);
      figures[`${k}CommitP50Ms`] = Number(c[5]);
      figures[`${k}CommitP99Ms`] = Number(c[6]);
      continue;
    }
    const r = STORE_RELAY.exec(line.trim());
    if (r) {
      figures[`${storeKind(r[1]!)}OutboxRowsPerSecond`] = Number(r[4]);
      figures[`${storeKind(r[1]!)}OutboxRows`] = Number(r[2]);
    }
  }
  if (Object.keys(figures).length === 0) return null;
  return {
    name: 'store',
    figures,
    targets: {},
    notes: [
      'SQLite on a temp file (WAL, synchronous=FULL): one pipeline commit = inbox entry + invoice + 1 outbox row, one after another; outbox drain = pendingOutbox(100) + markOutboxSent until empty; :memory: for reference (no fsync).',
    ],
  };
}

const SIM_TIMED =
  /^(.+?)\s+([\d,]+) x in\s+(\d+) ms(?:, ([\d,]+) req\/s)?(?: \(per tenth: ([\d ]+)\))?/;
const SIM_MEMORY = /^(.+?)\s+heap (\d+) MiB, rss (\d+) MiB/;

const num = (s: string): number => Number(s.replaceAll(',', ''));

export function parseSimulatorOutput(output: string): BenchResult | null {
  const figures: Record<string, number | string> = {};
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const t = SIM_TIMED.exec(line);
    if (t) {
      const label = t[1]!.trim();
      if (t[4] === undefined) figures[`${label}: ms`] = Number(t[3]);
      else figures[`${label}: req/s`] = num(t[4]);
      if (t[5] !== undefined) figures[`${label}: req/s per tenth`] = t[5].trim();
      continue;
    }
    const m = SIM_MEMORY.exec(line);
    if (m) {
      figures[`${m[1]!.trim()}: heap MiB`] = Number(m[2]);
      figures[`${m[1]!.trim()}: rss MiB`] = Number(m[3]);
    }
  }
  if (Object.keys(figures).length === 0) return null;
  const tenths = String(figures['POST /invoice: req/s per tenth'] ?? '')
    .split(' ')
    .filter(Boolean)
    .map(Number);
  if (tenths.length >= 2)
    figures['POST /invoice: last tenth vs first, %'] = Math.round(
      (100 * tenths.at(-1)!) / tenths[0]!,
    );
  return {
    name: 'simulator',
    figures,
    targets: {},
    notes: [
      'In process through app.request (no sockets): creates, then reads, payments, settlements and a 40-day clock advance against the full state.',
    ],
  };
}

const TEXT_PARSERS: Record<string, (output: string) => BenchResult | null> = {
  limiter: parseLimiterOutput,
  store: parseStoreOutput,
  simulator: parseSimulatorOutput,
};

/** The figures of a text-only benchmark by name, or null (unknown name or nothing found). */
export function parseTextOutput(name: string, output: string): BenchResult | null {
  return TEXT_PARSERS[name]?.(output) ?? null;
}
