import { describe, expect, it } from 'vitest';
import {
  parseSimulatorArgs,
  runSimulatorCli,
  SIMULATOR_HELP,
} from '../../../adapters/agency/simulator/cli.ts';

describe('simulator CLI', () => {
  it('has defaults: port 8090, key sim-key, clock following real time', () => {
    expect(parseSimulatorArgs([])).toEqual({
      port: 8090,
      host: '127.0.0.1',
      options: { apiKeys: ['sim-key'], seed: 1, rateLimit: null, faults: {}, lifecycle: {} },
      autoAdvance: { speed: 1, intervalMs: 1000 },
    });
  });

  it('parses every option', () => {
    const config = parseSimulatorArgs([
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--api-key',
      'a',
      '--api-key',
      'b',
      '--rate-limit',
      '5',
      '--burst',
      '10',
      '--seed',
      '9',
      '--start',
      '2026-01-01',
      '--manual-clock',
      '--apply-actions-immediately',
      '--latency-ms',
      '0-800',
      '--fault-500',
      '0.05',
      '--fault-503',
      '0.1',
      '--fault-429',
      '0.2',
      '--fault-409',
      '0.3',
      '--fault-commit-500',
      '0.4',
      '--fault-drop',
      '0.5',
      '--slow-body',
      '0.6',
      '--fault-endpoint',
      'POST /invoice',
    ]);
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      autoAdvance: null,
      options: {
        apiKeys: ['a', 'b'],
        seed: 9,
        now: new Date('2026-01-01T00:00:00.000Z'),
        rateLimit: { requestsPerSecond: 5, burst: 10 },
        lifecycle: { applyActionsImmediately: true },
        faults: {
          latencyMs: [0, 800],
          error500Rate: 0.05,
          error503Rate: 0.1,
          random429Rate: 0.2,
          conflict409Rate: 0.3,
          commitThen500Rate: 0.4,
          commitThenDropRate: 0.5,
          slowBodyRate: 0.6,
          endpoints: ['POST /invoice'],
        },
      },
    });
    expect(parseSimulatorArgs(['--latency-ms', '250', '--speed', '86400'])).toMatchObject({
      options: { faults: { latencyMs: 250 } },
      autoAdvance: { speed: 86400 },
    });
  });

  it('rejects bad values and unknown options', () => {
    expect(() => parseSimulatorArgs(['--port', 'x'])).toThrow('invalid --port: x');
    expect(() => parseSimulatorArgs(['--fault-500', '1.5'])).toThrow('invalid --fault-500');
    expect(() => parseSimulatorArgs(['--start', 'soon'])).toThrow('invalid --start');
    expect(() => parseSimulatorArgs(['--colour'])).toThrow();
  });

  it('prints help', async () => {
    expect(parseSimulatorArgs(['--help'])).toBeNull();
    let out = '';
    await runSimulatorCli(['-h'], { stdout: { write: (t: string) => (out += t) } });
    expect(out).toBe(SIMULATOR_HELP);
  });

  it('starts, prints its base URL first, serves, and stops on abort', async () => {
    const stop = new AbortController();
    let out = '';
    let announced!: (url: string) => void;
    const url = new Promise<string>((resolve) => (announced = resolve));
    const running = runSimulatorCli(['--port', '0', '--api-key', 'cli-key', '--manual-clock'], {
      stdout: {
        write: (t: string) => {
          if (out === '') announced(t.trim());
          out += t;
        },
      },
      signal: stop.signal,
    });
    const baseUrl = await url;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/partner$/);
    const res = await fetch(`${baseUrl}/validate`, { headers: { 'x-api-key': 'cli-key' } });
    expect(res.status).toBe(200);
    stop.abort();
    await running;
    expect(out).toContain('agency simulator stopped');
    await expect(fetch(`${baseUrl}/validate`)).rejects.toThrow();
  });
});
