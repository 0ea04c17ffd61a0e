/**
 * RELIABILITY.md §6.8 S6, dependency advisories: the installed, locked and declared versions of
 * the libraries RELIABILITY names stay at or above their fixed versions (hono ≥ 4.12.26 for the
 * bodyLimit/CORS/JSX advisories, amqplib ≥ 2.3.1), and `scripts/audit.ts` (the
 * `npm audit --omit=dev --audit-level=moderate` gate) reads npm's report right: findings → exit
 * 1, none → 0, an audit the registry refuses (this machine's proxy answers 405) → exit 2 with
 * "audit could not run: <reason>". The script is run for real against a stub `npm`.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode, formatAudit, parseAuditJson } from '../../../scripts/audit.ts';

/** Minimum versions RELIABILITY.md names (§0 rules 6 and 12, §4.1, §6.3). */
const MINIMUMS: Record<string, string> = { hono: '4.12.26', amqplib: '2.3.1' };

function compare(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('S6: dependency versions', () => {
  it('installed, locked and declared versions are at or above the fixed ones', () => {
    const pkg = readJson('package.json') as {
      dependencies: Record<string, string>;
      engines: { node: string };
    };
    const lock = readJson('package-lock.json') as {
      packages: Record<string, { version?: string }>;
    };
    const rows: string[] = [];
    for (const [name, min] of Object.entries(MINIMUMS)) {
      const installed = (
        readJson(join('node_modules', name, 'package.json')) as { version: string }
      ).version;
      const locked = lock.packages[`node_modules/${name}`]?.version ?? '';
      const declared = pkg.dependencies[name] ?? '';
      const floor = /(\d+\.\d+\.\d+)/.exec(declared)?.[1] ?? '0.0.0';
      expect(compare(installed, min), `${name} installed ${installed}`).toBeGreaterThanOrEqual(0);
      expect(compare(locked, min), `${name} locked ${locked}`).toBeGreaterThanOrEqual(0);
      // The declared range must not admit a version below the fix (`^4.13.19` starts at 4.13.19).
      expect(declared, `${name} declared ${declared}`).toMatch(/^[\^~]?\d+\.\d+\.\d+$/);
      expect(compare(floor, min), `${name} declared ${declared}`).toBeGreaterThanOrEqual(0);
      rows.push(`${name} ${installed} (lock ${locked}, declared ${declared}) ≥ ${min}`);
    }
    const engines = pkg.engines.node;
    expect(compare(process.versions.node, '22.12.0')).toBeGreaterThanOrEqual(0);
    console.log(
      `S6 versions: ${rows.join('; ')}; node ${process.versions.node} (engines ${engines})`,
    );
  });
});

const HONO_ADVISORY = {
  source: 1109876,
  name: 'hono',
  dependency: 'hono',
  title: 'Hono bodyLimit bypass with chunked bodies',
  url: 'https://github.com/advisories/GHSA-9vqf-7f2p-gf9v',
  severity: 'moderate',
  cwe: ['CWE-770'],
  cvss: { score: 5.3, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' },
  range: '<4.12.16',
};

/** `npm audit --json` (report version 2) with one direct and one indirect finding, one low. */
const WITH_FINDINGS = {
  auditReportVersion: 2,
  vulnerabilities: {
    hono: {
      name: 'hono',
      severity: 'moderate',
      isDirect: true,
      via: [HONO_ADVISORY],
      effects: ['@hono/node-server'],
      range: '<4.12.16',
      nodes: ['node_modules/hono'],
      fixAvailable: true,
    },
    '@hono/node-server': {
      name: '@hono/node-server',
      severity: 'high',
      isDirect: true,
      via: ['hono'],
      effects: [],
      range: '<1.0.0',
      nodes: ['node_modules/@hono/node-server'],
      fixAvailable: { name: '@hono/node-server', version: '2.1.9', isSemVerMajor: true },
    },
    debug: {
      name: 'debug',
      severity: 'low',
      isDirect: false,
      via: [{ title: 'ReDoS', url: 'https://github.com/advisories/GHSA-x', severity: 'low' }],
      effects: [],
      range: '<2.6.9',
      nodes: ['node_modules/debug'],
      fixAvailable: false,
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 1, moderate: 1, high: 1, critical: 0, total: 3 },
    dependencies: { prod: 120, dev: 300, optional: 2, peer: 0, peerOptional: 0, total: 421 },
  },
};

const CLEAN = {
  auditReportVersion: 2,
  vulnerabilities: {},
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 },
    dependencies: { prod: 120, dev: 300, optional: 2, peer: 0, peerOptional: 0, total: 421 },
  },
};

/** What npm 11 prints on this machine, where the proxy refuses the bulk advisory endpoint. */
const REFUSED = {
  message:
    '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  headers: { allow: ['GET,HEAD'] },
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
};

/** npm 6 style error object. */
const LEGACY_ERROR = {
  error: {
    code: 'ENOAUDIT',
    summary:
      'Your configured registry (https://registry.example/) does not support audit requests.',
    detail: '',
  },
};

describe('S6: scripts/audit.ts reads npm audit', () => {
  it('findings at or above moderate → exit 1, each printed; low ones counted aside', () => {
    const result = parseAuditJson(JSON.stringify(WITH_FINDINGS));
    expect(result.kind).toBe('findings');
    if (result.kind !== 'findings') return;
    expect(result.findings.map((f) => [f.name, f.severity])).toEqual([
      ['@hono/node-server', 'high'],
      ['hono', 'moderate'],
    ]);
    expect(result.below).toBe(1);
    expect(exitCode(result)).toBe(1);
    const text = formatAudit(result);
    expect(text).toContain('2 finding(s) at or above moderate (1 below moderate not shown)');
    expect(text).toContain('hono (moderate), vulnerable <4.12.16; npm audit fix');
    expect(text).toContain('GHSA-9vqf-7f2p-gf9v');
    expect(text).toContain('through hono');
    expect(text).toContain('a major change');
    expect(exitCode(parseAuditJson(JSON.stringify(WITH_FINDINGS), 'critical'))).toBe(0);
    expect(exitCode(parseAuditJson(JSON.stringify(WITH_FINDINGS), 'low'))).toBe(1);
  });

  it('no findings → exit 0', () => {
    const result = parseAuditJson(JSON.stringify(CLEAN));
    expect(result).toEqual({ kind: 'clean', level: 'moderate', below: 0 });
    expect(exitCode(result)).toBe(0);
    expect(formatAudit(result)).toBe('audit: 0 findings at or above moderate\n');
  });

  it('a refused audit endpoint, an npm error or no JSON → exit 2 with the reason', () => {
    const refused = parseAuditJson(JSON.stringify(REFUSED));
    expect(refused.kind).toBe('unavailable');
    expect(exitCode(refused)).toBe(2);
    expect(formatAudit(refused)).toMatch(
      /^audit could not run: 405 Method Not Allowed - POST .*advisories\/bulk; HTTP 405\n$/,
    );
    expect(formatAudit(parseAuditJson(JSON.stringify(LEGACY_ERROR)))).toContain(
      'audit could not run: ENOAUDIT; Your configured registry',
    );
    const noJson = parseAuditJson('', 'moderate', 'npm error code ENOTFOUND\nnpm error network');
    expect(noJson).toEqual({ kind: 'unavailable', reason: 'code ENOTFOUND' });
    expect(parseAuditJson('[]').kind).toBe('unavailable');
  });

  it('the script exits 1 / 0 / 2 with a stub npm on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const cases = [
      { name: 'findings', json: WITH_FINDINGS, npmExit: 1, want: 1, text: '2 finding(s)' },
      { name: 'clean', json: CLEAN, npmExit: 0, want: 0, text: '0 findings' },
      { name: 'refused', json: REFUSED, npmExit: 1, want: 2, text: 'audit could not run: 405' },
    ];
    const seen: string[] = [];
    for (const c of cases) {
      writeFileSync(join(dir, `${c.name}.json`), JSON.stringify(c.json));
      const npm = join(dir, 'npm');
      writeFileSync(
        npm,
        `#!/bin/sh\necho "$@" > "${dir}/args"\ncat "${dir}/${c.name}.json"\nexit ${c.npmExit}\n`,
      );
      chmodSync(npm, 0o755);
      const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          process.execPath,
          ['scripts/audit.ts'],
          { env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` } },
          (err, stdout, stderr) =>
            resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        );
      });
      expect(code, `${c.name}: ${out}`).toBe(c.want);
      expect(out).toContain(c.text);
      expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
        'audit --omit=dev --audit-level=moderate --json',
      );
      seen.push(`${c.name} → exit ${code}`);
    }
    console.log(`S6 audit script: ${seen.join(', ')} (stub npm)`);
  });
});
