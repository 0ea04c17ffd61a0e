/**
 * Dependency advisories gate (RELIABILITY.md §6.8 S6): runs
 * `npm audit --omit=dev --audit-level=<level> --json`, prints every finding at or above the level,
 * and exits
 *   0  no finding at or above the level,
 *   1  findings (each printed: package, severity, vulnerable range, advisories, fix),
 *   2  the audit could not run (the registry refused or failed the audit endpoint, no network,
 *      npm's answer unreadable): "audit could not run: <reason>", so CI can decide whether that
 *      blocks (some proxies answer the bulk advisory endpoint with 405).
 *
 * Usage: node scripts/audit.ts [--audit-level=low|moderate|high|critical]
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EXIT = { clean: 0, findings: 1, unavailable: 2 } as const;

export interface Advisory {
  title: string;
  url: string | null;
  severity: Severity;
  range: string | null;
}

export interface Finding {
  name: string;
  severity: Severity;
  /** Vulnerable versions of this package. */
  range: string | null;
  /** Advisories against this package itself (empty when it is only vulnerable through others). */
  advisories: Advisory[];
  /** Vulnerable dependencies this package is affected through. */
  via: string[];
  fix: string;
}

export type AuditResult =
  | { kind: 'clean'; level: Severity; below: number }
  | { kind: 'findings'; level: Severity; findings: Finding[]; below: number }
  | { kind: 'unavailable'; reason: string };

const rank = (s: Severity) => SEVERITIES.indexOf(s);

function severity(v: unknown): Severity {
  return SEVERITIES.find((s) => s === v) ?? 'info';
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function describeFix(v: unknown): string {
  if (v === true) return 'npm audit fix';
  if (v && typeof v === 'object') {
    const f = v as { name?: unknown; version?: unknown; isSemVerMajor?: unknown };
    return `npm audit fix --force (installs ${String(f.name)}@${String(f.version)}${f.isSemVerMajor ? ', a major change' : ''})`;
  }
  return 'no fix available';
}

/** Why npm's JSON says the audit did not run, or null when it looks like a report. */
function auditError(json: Record<string, unknown>): string | null {
  if (json.auditReportVersion !== undefined || json.vulnerabilities !== undefined) return null;
  const error = json.error as { summary?: unknown; detail?: unknown; code?: unknown } | undefined;
  const parts = [
    str(json.message),
    typeof json.statusCode === 'number' ? `HTTP ${json.statusCode}` : null,
    error ? str(error.code) : null,
    error ? str(error.summary) : null,
    error ? str(error.detail) : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? [...new Set(parts)].join('; ') : 'npm printed no audit report';
}

/**
 * Reads `npm audit --json` (report version 2, npm ≥ 7) and keeps findings at or above `level`.
 * Anything else (an error object, no JSON) is `unavailable` with npm's reason.
 */
export function parseAuditJson(
  stdout: string,
  level: Severity = 'moderate',
  stderr = '',
): AuditResult {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    const line = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^npm (error|ERR!)/.test(l))
      .map((l) => l.replace(/^npm (error|ERR!)\s*/, ''))
      .find((l) => l !== '');
    return { kind: 'unavailable', reason: line ?? 'npm audit printed no JSON' };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { kind: 'unavailable', reason: 'npm audit printed something other than a report' };
  }
  const report = json as Record<string, unknown>;
  const problem = auditError(report);
  if (problem !== null) return { kind: 'unavailable', reason: problem };
  const vulnerabilities = (report.vulnerabilities ?? {}) as Record<string, Record<string, unknown>>;
  const findings: Finding[] = [];
  let below = 0;
  for (const [name, v] of Object.entries(vulnerabilities)) {
    const sev = severity(v.severity);
    if (rank(sev) < rank(level)) {
      below += 1;
      continue;
    }
    const via = Array.isArray(v.via) ? (v.via as unknown[]) : [];
    findings.push({
      name: str(v.name) ?? name,
      severity: sev,
      range: str(v.range),
      advisories: via
        .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
        .map((a) => ({
          title: str(a.title) ?? '(untitled advisory)',
          url: str(a.url),
          severity: severity(a.severity),
          range: str(a.range),
        })),
      via: via.filter((x): x is string => typeof x === 'string'),
      fix: describeFix(v.fixAvailable),
    });
  }
  findings.sort((a, b) => rank(b.severity) - rank(a.severity) || a.name.localeCompare(b.name));
  return findings.length > 0
    ? { kind: 'findings', level, findings, below }
    : { kind: 'clean', level, below };
}

export function formatAudit(result: AuditResult): string {
  if (result.kind === 'unavailable') return `audit could not run: ${result.reason}\n`;
  const belowNote = result.below > 0 ? ` (${result.below} below ${result.level} not shown)` : '';
  if (result.kind === 'clean') return `audit: 0 findings at or above ${result.level}${belowNote}\n`;
  const lines = [
    `audit: ${result.findings.length} finding(s) at or above ${result.level}${belowNote}`,
  ];
  for (const f of result.findings) {
    lines.push(`- ${f.name} (${f.severity})${f.range ? `, vulnerable ${f.range}` : ''}; ${f.fix}`);
    for (const a of f.advisories) {
      lines.push(`    ${a.severity}: ${a.title}${a.url ? ` ${a.url}` : ''}`);
    }
    if (f.via.length > 0) lines.push(`    through ${f.via.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function exitCode(result: AuditResult): number {
  return EXIT[result.kind];
}

export interface RunAuditOptions {
  level?: Severity;
  /** The npm executable (default `npm`). */
  npm?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs npm audit and reads its answer; never throws (a failure to run is `unavailable`). */
export function runAudit(options: RunAuditOptions = {}): Promise<AuditResult> {
  const level = options.level ?? 'moderate';
  return new Promise((resolve) => {
    const child = spawn(
      options.npm ?? 'npm',
      ['audit', '--omit=dev', `--audit-level=${level}`, '--json'],
      { cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        kind: 'unavailable',
        reason: `npm audit took longer than ${options.timeoutMs ?? 120_000} ms`,
      });
    }, options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ kind: 'unavailable', reason: `cannot start npm: ${err.message}` });
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(parseAuditJson(stdout, level, stderr));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const arg = argv.find((a) => a.startsWith('--audit-level='));
  const level = arg ? SEVERITIES.find((s) => s === arg.split('=')[1]) : 'moderate';
  if (!level) {
    process.stderr.write(`unknown audit level in ${arg}; use one of ${SEVERITIES.join(', ')}\n`);
    return EXIT.unavailable;
  }
  const result = await runAudit({ level });
  (result.kind === 'unavailable' ? process.stderr : process.stdout).write(formatAudit(result));
  return exitCode(result);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
