/** `agency-connector config check [--config F]`: all problems at once, or the redacted config. */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { configSchema, loadConfig, redactConfig, type Env } from '../../config/index.ts';
import { ConfigError } from '../errors.ts';

export function formatConfigError(err: ConfigError): string {
  const lines = err.issues.map((i) => `  - ${i.path}: ${i.message}`);
  return `${err.message}:\n${lines.join('\n')}\n`;
}

export async function runConfigCheck(argv: string[], env: Env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('agency-connector config check [--config F]\n');
    return 0;
  }
  const file = values.config ?? env.CONNECTOR_CONFIG;
  try {
    const config = await loadConfig({ file, env });
    process.stdout.write(`# ${file ?? '(no file: defaults and environment)'}: valid\n`);
    process.stdout.write(stringify(redactConfig(configSchema, config)));
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(formatConfigError(err));
      return 1;
    }
    throw err;
  }
}
