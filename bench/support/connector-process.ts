/**
 * The connector as a child process (`node [nodeArgs] connector/cli.ts start --config F`), as in
 * production. Resolves once it logs "connector started" (its consumers are registered then).
 * `nodeArgs` lets a benchmark profile it (`--cpu-prof`).
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { PRODUCTION_NODE_FLAGS } from '../../test/helpers/connector-process.ts';

/** The heap flags of `npm start`, the bin script and the Dockerfile. */
export const PRODUCTION_HEAP_FLAGS = PRODUCTION_NODE_FLAGS;

export interface BenchConnectorProcess {
  child: ChildProcess;
  pid: number;
  /** performance.now() when the "connector started" line arrived. */
  startedAtMs: number;
  output(): string;
  /** SIGTERM (graceful stop), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export async function startConnector(
  configFile: string,
  options: {
    nodeArgs?: string[];
    /** The whole environment of the child (default the parent's). */
    env?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<BenchConnectorProcess> {
  const child = spawn(
    process.execPath,
    [
      // The production heap settings (package.json "start", Dockerfile): RSS stays bounded.
      ...PRODUCTION_HEAP_FLAGS,
      ...(options.nodeArgs ?? []),
      'connector/cli.ts',
      'start',
      '--config',
      configFile,
    ],
    { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: string[] = [];
  // A crashed benchmark must not leave this process behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  const startedAtMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connector did not start:\n${chunks.join('')}`)),
      options.timeoutMs ?? 30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk.toString('utf8'));
      if (chunk.includes('connector started')) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`connector exited with ${code}:\n${chunks.join('')}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    child,
    pid: child.pid!,
    startedAtMs,
    output: () => chunks.join(''),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
