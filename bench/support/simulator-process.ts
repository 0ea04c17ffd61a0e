/**
 * The agency simulator in its own process (`node connector/cli.ts simulator --port 0`), as in
 * production the agency is another machine. Resolves with its base URL (its first stdout line).
 * The CLI has no switch to stop recording POST bodies in its ledger, so they are recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SimulatorProcess {
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(
  apiKey: string,
  timeoutMs = 15_000,
): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    ['connector/cli.ts', 'simulator', '--port', '0', '--api-key', apiKey],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  // A crashed benchmark must not leave this process behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`simulator did not start:\n${output}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const first = output.split('\n')[0];
      if (output.includes('\n') && first?.startsWith('http')) {
        clearTimeout(timer);
        resolve(first.trim());
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`simulator exited:\n${output}`));
    });
  });
  return {
    baseUrl,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
