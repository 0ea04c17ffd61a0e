/**
 * The connector as a child process (`node connector/cli.ts start`), for tests that kill it with
 * SIGKILL and start it again. Waits for the "connector started" log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The Node flags production runs the connector with, read from the installed command's shebang
 * (`bin/agency-connector.js`; `npm start` and the Dockerfile repeat them), so tests and
 * benchmarks measure memory under the same heap limits without a copy of their own.
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = (
  readFileSync(new URL('../../bin/agency-connector.js', import.meta.url), 'utf8').split('\n')[0] ??
  ''
)
  .replace(/^#!\/usr\/bin\/env -S node/u, '')
  .split(/\s+/u)
  .filter((flag) => flag.startsWith('--'));

export interface ConnectorProcess {
  child: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function writeConfigFile(raw: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'conn-cfg-')), 'connector.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

export async function startConnectorProcess(
  configFile: string,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<ConnectorProcess> {
  const child = spawn(process.execPath, ['connector/cli.ts', 'start', '--config', configFile], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connector did not start:\n${output.join('')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.join('').includes('connector started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`connector exited with ${code}:\n${output.join('')}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    child,
    output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
