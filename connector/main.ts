/**
 * `agency-connector start`: the composition root. Reads the environment, loads and checks the
 * config (refusing to start without an explicit agency base URL and key), builds the connector
 * and stops it gracefully on SIGTERM/SIGINT (stop intake, finish or return in-flight messages,
 * close channels, flush logs; exit 0).
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Env } from '../config/index.ts';
import { formatConfigError } from './cli/config-check.ts';
import { composeConnector } from './compose.ts';
import { ConfigError } from './errors.ts';
import { createLogger, flushLogger } from './logger.ts';

export async function runStart(argv: string[], env: Env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('agency-connector start [--config F]   (or CONNECTOR_CONFIG)\n');
    return 0;
  }
  let config;
  try {
    config = await loadConfig({
      file: values.config ?? env.CONNECTOR_CONFIG,
      env,
      requireAgency: true,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cannot start: ${formatConfigError(err)}`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger({
    level: config.log.level,
    pretty: config.log.pretty,
    isTty: process.stdout.isTTY,
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  // Listen for the stop signal before anything starts: a signal during start-up stops cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const running = await composeConnector(config, logger);
  await stopRequested;
  await running.stop();
  await flushLogger(logger);
  return 0;
}
