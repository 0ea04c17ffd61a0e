/**
 * Figures of another process from /proc: resident set size (`/proc/<pid>/status` VmRSS), sampled
 * at a fixed interval, and CPU time used (`/proc/<pid>/stat` utime + stime). Linux only.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process has used, or null when it is gone. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime 14 and stime 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface RssSample {
  atMs: number;
  rssMb: number;
  /** Caller-supplied progress at the sample (e.g. messages drained). */
  progress: number;
}

export function readRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface RssSampler {
  readonly samples: RssSample[];
  stop(): void;
}

export function sampleRss(pid: number, intervalMs: number, progress: () => number): RssSampler {
  const samples: RssSample[] = [];
  const start = performance.now();
  const take = (): void => {
    const rssMb = readRssMb(pid);
    if (rssMb !== null)
      samples.push({ atMs: performance.now() - start, rssMb, progress: progress() });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
    },
  };
}
