/**
 * What run-all.ts records per benchmark run, and the marker after which docs/performance.md is
 * hand-written (kept on every regeneration). The report itself: performance-report.ts.
 */
import type { BenchResult } from './result.ts';

export const KEEP_MARKER = '<!-- hand-written below: kept by bench/run-all.ts -->';

export interface BenchRun {
  name: string;
  command: string;
  exitCode: number | null;
  seconds: number;
  result: BenchResult | null;
  output: string;
}
