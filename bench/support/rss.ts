/** Samples a process's resident set size from `/proc/<pid>/status` (VmRSS) at a fixed interval. */
import { readFileSync } from 'node:fs';

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
    if (rssMb !== null) samples.push({ atMs: performance.now() - start, rssMb, progress: progress() });
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
