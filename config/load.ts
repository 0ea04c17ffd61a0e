/**
 * Loads the configuration: a YAML file (its `${VAR}` / `${VAR:-default}` references expanded from
 * the environment), then environment overrides for deployment values, then the zod schema.
 * Every problem is collected and reported at once as a ConfigError with field paths.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type FieldIssue } from '../connector/errors.ts';
import { configSchema, type ConnectorConfig } from './schema.ts';

export type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /** Path of the YAML file; none = defaults plus environment only. */
  file?: string | undefined;
  env: Env;
  /** Require what `start` needs: agency base URL and API key. */
  requireAgency?: boolean;
}

const ENV_OVERRIDES: { name: string; path: string[]; number?: boolean }[] = [
  { name: 'AMQP_URL', path: ['broker', 'url'] },
  { name: 'AGENCY_BASE_URL', path: ['agency', 'baseUrl'] },
  { name: 'AGENCY_API_KEY', path: ['agency', 'apiKey'] },
  { name: 'STORE_URL', path: ['store', 'url'] },
  { name: 'HTTP_PORT', path: ['http', 'port'], number: true },
  { name: 'OPS_TOKEN', path: ['http', 'opsToken'] },
  { name: 'LOG_LEVEL', path: ['log', 'level'] },
];

/** Expands `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree. */
export function expandEnv(value: unknown, env: Env, issues: FieldIssue[], path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_m, name: string, def?: string) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        if (def !== undefined) return def;
        issues.push({ path, message: `environment variable ${name} is not set` });
        return '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, issues, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = expandEnv(v, env, issues, path ? `${path}.${k}` : k);
    }
    return out;
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: Env,
  issues: FieldIssue[],
): void {
  for (const o of ENV_OVERRIDES) {
    const value = env[o.name];
    if (value === undefined || value === '') continue;
    if (o.number) {
      const n = Number(value);
      if (!Number.isInteger(n)) {
        issues.push({
          path: o.path.join('.'),
          message: `${o.name} must be an integer, got "${value}"`,
        });
        continue;
      }
      setPath(raw, o.path, n);
    } else {
      setPath(raw, o.path, value);
    }
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: base ? `${base}.${key}` : key, message: 'unknown key' });
      }
    } else {
      out.push({ path: base || '(root)', message: issue.message });
    }
  }
  return out;
}

export async function readConfigFile(file: string, issues: FieldIssue[]): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read config file ${file} (${code})`, [
      { path: '(file)', message: `cannot read ${file}: ${code}` },
    ]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0]?.line;
      issues.push({ path: '(file)', message: `${file}${line ? `:${line}` : ''}: ${err.message}` });
      return {};
    }
    throw err;
  }
}

export function parseConfig(
  raw: unknown,
  options: Omit<LoadConfigOptions, 'file'>,
): ConnectorConfig {
  const issues: FieldIssue[] = [];
  const expanded = expandEnv(raw ?? {}, options.env, issues);
  if (!expanded || typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new ConfigError('config must be a YAML mapping', [
      { path: '(root)', message: 'expected a mapping' },
    ]);
  }
  const tree = expanded as Record<string, unknown>;
  applyEnvOverrides(tree, options.env, issues);
  const result = configSchema.safeParse(tree);
  if (!result.success) issues.push(...zodIssues(result.error));
  if (result.success && options.requireAgency) {
    if (!result.data.agency.baseUrl) {
      issues.push({
        path: 'agency.baseUrl',
        message: 'required by start (or set AGENCY_BASE_URL)',
      });
    }
    if (!result.data.agency.apiKey) {
      issues.push({ path: 'agency.apiKey', message: 'required by start (or set AGENCY_API_KEY)' });
    }
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(`configuration has ${issues.length} problem(s)`, issues);
  }
  return result.data;
}

export async function loadConfig(options: LoadConfigOptions): Promise<ConnectorConfig> {
  const issues: FieldIssue[] = [];
  const raw = options.file ? await readConfigFile(options.file, issues) : {};
  try {
    return parseConfig(raw, options);
  } catch (err) {
    if (err instanceof ConfigError && issues.length > 0) {
      throw new ConfigError(`configuration has ${issues.length + err.issues.length} problem(s)`, [
        ...issues,
        ...err.issues,
      ]);
    }
    throw err;
  }
}
