/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) by where the time goes: each sample is
 * charged to the innermost frame on its stack that belongs to a known area (store, mapping,
 * validation, agency client, broker, logging, pipeline), else to "other"; garbage collection and
 * idle are their own areas. Blocking native work (an fsync inside node:sqlite) is charged to the
 * JavaScript frame that called it, so "store" includes the time the disk took.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: [string, RegExp][] = [
  ['store (SQLite writes and reads)', /\/adapters\/store\//],
  ['mapping (JSONata)', /\/(mappings|connector\/mapping)\/|node_modules\/jsonata\//],
  ['validation (zod)', /node_modules\/zod\/|\/connector\/validation\//],
  [
    'agency client (limiter, retry, fetch)',
    /\/adapters\/agency\/|node_modules\/(bottleneck|p-retry)\/|undici/,
  ],
  ['broker (amqplib)', /\/adapters\/rabbitmq\/|node_modules\/amqplib\/|\/connector\/broker-port/],
  ['logging (pino)', /node_modules\/(pino|@pinojs|pino-std-serializers|fast-redact)\//],
  ['ERP adapter and contract', /\/adapters\/erp\/|\/connector\/contract\//],
  ['pipeline', /\/connector\/pipeline\//],
];

export interface ProfileSummary {
  totalMs: number;
  byArea: { area: string; ms: number; percent: number }[];
  /** Inclusive time of named functions (a function counted once per sample). */
  byFunction: { name: string; ms: number; percent: number }[];
}

export function newestProfile(dir: string): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}

export function summariseProfile(file: string, functions: string[]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const areaUs = new Map<string, number>();
  const fnUs = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const leaf = nodes.get(id)!.callFrame.functionName;
    let area =
      leaf === '(garbage collector)' ? 'garbage collection' : leaf === '(idle)' ? 'idle' : null;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = nodes.get(cur)!.callFrame;
      area ??= AREAS.find(([, re]) => re.test(frame.url))?.[0] ?? null;
      if (functions.includes(frame.functionName) && !seen.has(frame.functionName)) {
        seen.add(frame.functionName);
        fnUs.set(frame.functionName, (fnUs.get(frame.functionName) ?? 0) + us);
      }
    }
    area ??= 'other (node internals, event loop)';
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / totalUs }));
  return {
    totalMs: totalUs / 1000,
    byArea: rows(areaUs).map(({ name, ms, percent }) => ({ area: name, ms, percent })),
    byFunction: rows(fnUs),
  };
}

export function formatSummary(summary: ProfileSummary, perItem: number): string {
  const line = (name: string, ms: number, percent: number) =>
    `  ${percent.toFixed(1).padStart(5)}%  ${(ms / perItem).toFixed(3).padStart(7)} ms/invoice  ${name}`;
  return [
    `CPU profile: ${(summary.totalMs / 1000).toFixed(1)} s sampled`,
    ...summary.byArea.map((a) => line(a.area, a.ms, a.percent)),
    'inclusive, by step:',
    ...summary.byFunction.map((f) => line(f.name, f.ms, f.percent)),
  ].join('\n');
}
