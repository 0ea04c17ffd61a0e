/**
 * The machine-readable last line every benchmark prints, read by `bench/run-all.ts`:
 * `RESULT {"name": …, "figures": {…}, "targets": {…}}`.
 */
export interface BenchTarget {
  /** What the target says, e.g. "≥ 800 invoices/s". */
  description: string;
  /** The figure it is checked against (a key of `figures`). */
  figure: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  /** Figures by name; units in the name (`connectorPerSecond`, `maxRssMb`). */
  figures: Record<string, number | string>;
  targets: Record<string, BenchTarget>;
  /** Free text for the report (what was run, caveats). */
  notes?: string[];
}

export const RESULT_PREFIX = 'RESULT ';

export function printResult(result: BenchResult): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}

/** The last RESULT line of a benchmark's output, or null. */
export function parseResult(output: string): BenchResult | null {
  const lines = output.split('\n').filter((l) => l.startsWith(RESULT_PREFIX));
  const last = lines.at(-1);
  if (last === undefined) return null;
  try {
    return JSON.parse(last.slice(RESULT_PREFIX.length)) as BenchResult;
  } catch {
    return null;
  }
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
