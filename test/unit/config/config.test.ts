import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig, parseConfig, redactConfig } from '../../../config/index.ts';
import { ConfigError } from '../../../connector/errors.ts';

const example = 'config/connector.example.yaml';
const minimalSource = {
  seller: {
    businessId: '0646115-8',
    name: 'Acme Oy',
    address: { street: 'Katu 1', postalCode: '00100', city: 'HELSINKI', countryCode: 'FI' },
    iban: 'FI2112345600000785',
    bic: 'NDEAFIHH',
  },
};

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

function tempYaml(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, text);
  return file;
}

describe('config', () => {
  it('accepts the example file and fills defaults', async () => {
    const config = await loadConfig({ file: example, env: {} });
    expect(config.sources.acme?.adapter).toBe('generic');
    expect(config.sources.acme?.defaults.distributionMethod).toBe('EMAIL');
    expect(config.broker.prefetch).toBe(20);
    expect(config.agency.baseUrl).toBeUndefined();
  });

  it('reports every problem at once, with paths', () => {
    const issues = issuesOf(() =>
      parseConfig(
        { broker: { prefetch: 'x', bogus: 1 }, agency: { baseUrl: 'nope' }, sources: {} },
        { env: {} },
      ),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['broker.prefetch', 'broker.bogus', 'agency.baseUrl', 'sources']),
    );
    expect(issues.find((i) => i.path === 'broker.bogus')?.message).toBe('unknown key');
  });

  it('names an unknown key deep inside a source', () => {
    const issues = issuesOf(() =>
      parseConfig({ sources: { acme: { ...minimalSource, sellr: {} } } }, { env: {} }),
    );
    expect(issues).toContainEqual({ path: 'sources.acme.sellr', message: 'unknown key' });
  });

  it('rejects a bad source name', () => {
    const issues = issuesOf(() =>
      parseConfig({ sources: { 'ac me': minimalSource } }, { env: {} }),
    );
    expect(issues.some((i) => i.path.startsWith('sources'))).toBe(true);
  });

  it('lets the environment override deployment values', () => {
    const config = parseConfig(
      { sources: { acme: minimalSource } },
      {
        env: {
          AMQP_URL: 'amqp://u:p@broker:5672',
          AGENCY_BASE_URL: 'https://agency.example/api/v1/partner',
          AGENCY_API_KEY: 'k-123',
          STORE_URL: 'sqlite:/tmp/x.sqlite',
          HTTP_PORT: '9000',
          OPS_TOKEN: 'ops-token-0123456789',
          LOG_LEVEL: 'debug',
        },
      },
    );
    expect(config.broker.url).toBe('amqp://u:p@broker:5672');
    expect(config.agency.baseUrl).toBe('https://agency.example/api/v1/partner');
    expect(config.agency.apiKey).toBe('k-123');
    expect(config.store.url).toBe('sqlite:/tmp/x.sqlite');
    expect(config.http.port).toBe(9000);
    expect(config.http.opsToken).toBe('ops-token-0123456789');
    expect(config.log.level).toBe('debug');
  });

  it('rejects a non-numeric HTTP_PORT', () => {
    const issues = issuesOf(() =>
      parseConfig({ sources: { acme: minimalSource } }, { env: { HTTP_PORT: 'abc' } }),
    );
    expect(issues[0]?.path).toBe('http.port');
  });

  it('expands ${VAR} and ${VAR:-default} and reports a missing variable', async () => {
    const file = tempYaml(
      'agency:\n  apiKey: ${KEY}\n  baseUrl: ${URL:-http://127.0.0.1:8090/api/v1/partner}\nsources:\n  acme:\n    seller:\n      businessId: ${BID}\n      name: A\n      address: { street: s, postalCode: "1", city: c, countryCode: FI }\n      iban: FI2112345600000785\n      bic: NDEAFIHH\n',
    );
    const config = await loadConfig({ file, env: { KEY: 'secret-1', BID: '0646115-8' } });
    expect(config.agency.apiKey).toBe('secret-1');
    expect(config.agency.baseUrl).toBe('http://127.0.0.1:8090/api/v1/partner');
    await expect(loadConfig({ file, env: { KEY: 'k' } })).rejects.toSatisfy(
      (err: unknown) =>
        err instanceof ConfigError &&
        err.issues.some(
          (i) =>
            i.path === 'sources.acme.seller.businessId' &&
            i.message === 'environment variable BID is not set',
        ),
    );
  });

  it('reports a YAML syntax error with its line', async () => {
    const file = tempYaml('broker:\n  prefetch: [1,\n');
    await expect(loadConfig({ file, env: {} })).rejects.toSatisfy(
      (err: unknown) =>
        err instanceof ConfigError && /c\.yaml:\d+/.test(err.issues[0]?.message ?? ''),
    );
  });

  it('start requires the agency base URL and key', () => {
    const issues = issuesOf(() =>
      parseConfig({ sources: { acme: minimalSource } }, { env: {}, requireAgency: true }),
    );
    expect(issues.map((i) => i.path)).toEqual(['agency.baseUrl', 'agency.apiKey']);
  });

  it('redacts secrets and URL passwords when printed', () => {
    const config = parseConfig(
      {
        sources: { acme: { ...minimalSource, ingressToken: 'ingress-token-0123456789' } },
        agency: { apiKey: 'SECRET-KEY', baseUrl: 'https://a.example/api/v1/partner' },
        http: { opsToken: 'ops-token-0123456789' },
        broker: { url: 'amqp://user:PASSWORD@host:5672' },
      },
      { env: {} },
    );
    const printed = JSON.stringify(redactConfig(configSchema, config));
    expect(printed).not.toContain('SECRET-KEY');
    expect(printed).not.toContain('PASSWORD');
    expect(printed).not.toContain('ops-token-0123456789');
    expect(printed).not.toContain('ingress-token-0123456789');
    expect(printed).toContain('amqp://user:[redacted]@host:5672');
  });

  it('documents every field', () => {
    const undocumented: string[] = [];
    const walk = (schema: unknown, path: string): void => {
      const s = schema as {
        description?: string;
        def: { type: string; innerType?: unknown; shape?: unknown; valueType?: unknown };
      };
      let inner = s;
      let described = Boolean(s.description);
      while (inner.def.innerType) {
        inner = inner.def.innerType as typeof s;
        described ||= Boolean(inner.description);
      }
      if (path && !described) undocumented.push(path);
      if (inner.def.type === 'object') {
        for (const [k, v] of Object.entries(
          (inner as unknown as { shape: Record<string, unknown> }).shape,
        )) {
          walk(v, path ? `${path}.${k}` : k);
        }
      }
      if (inner.def.type === 'record') walk(inner.def.valueType, `${path}.<name>`);
    };
    walk(configSchema, '');
    expect(undocumented).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  it('matches the schema (run `npm run docs:config` after changing it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { configReference } = await import('../../../config/docs.ts');
    expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configReference(configSchema));
  });
});
