import { readFileSync } from 'node:fs';
const prof = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const nodes = new Map<number, any>(); for (const n of prof.nodes) nodes.set(n.id, n);
const parent = new Map<number, number>(); for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
const dts = prof.timeDeltas as number[];
prof.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dts[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFn = new Map<string, number>(); const byFile = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, t] of self) {
  const n = nodes.get(id); const cf = n.callFrame;
  const file = (cf.url || '(native)').replace('file:///work/main/', '').replace(/node_modules\/([^/]+)\/.*/, 'nm:$1');
  const key = `${cf.functionName || '(anon)'} ${file}:${cf.lineNumber}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t); byFile.set(file, (byFile.get(file) ?? 0) + t);
  // inclusive by file/function along the stack (count once per stack)
  const seen = new Set<string>(); let cur: number | undefined = id;
  while (cur !== undefined) { const c = nodes.get(cur).callFrame; const k = `${c.functionName || '(anon)'} ${(c.url||'').replace('file:///work/main/','').replace(/node_modules\/([^/]+)\/.*/, 'nm:$1')}:${c.lineNumber}`; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); } cur = parent.get(cur); }
}
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${(100 * t / total).toFixed(1).padStart(5)}%  ${n}`).join('\n');
console.log('total ms', (total / 1000).toFixed(0));
console.log('--- self by file\n' + top(byFile, 25));
console.log('--- self by function\n' + top(byFn, 30));
console.log('--- inclusive\n' + top(incl, Number(process.argv[3] ?? 60)));
