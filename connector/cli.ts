#!/usr/bin/env node
/**
 * `agency-connector` command line: start | simulator | demo | config check | mappings test.
 * This file and connector/main.ts are the only places that read process.env.
 */
import { runConfigCheck } from './cli/config-check.ts';

const HELP = `agency-connector <command> [options]

Commands:
  start [--config F]          run the connector (needs agency.baseUrl and agency.apiKey)
  simulator [options]         run the bundled agency simulator (see: simulator --help)
  demo                        simulator + connector + sample invoices on this machine's RabbitMQ
  config check [--config F]   validate a config file; prints every problem, or the resolved config
  mappings test [--dir D]     run the golden cases of every mapping file

Config file: --config F or CONNECTOR_CONFIG. Environment overrides: AMQP_URL, AGENCY_BASE_URL,
AGENCY_API_KEY, STORE_URL, HTTP_PORT, OPS_TOKEN, LOG_LEVEL.
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? 1 : 0;
    case 'start': {
      const { runStart } = await import('./main.ts');
      return runStart(rest, process.env);
    }
    case 'simulator': {
      const { runSimulatorCli } = await import('../adapters/agency/simulator/cli.ts');
      await runSimulatorCli(rest);
      return 0;
    }
    case 'demo': {
      const { runDemo } = await import('./cli/demo.ts');
      return runDemo(rest, process.env);
    }
    case 'config':
      if (rest[0] === 'check') return runConfigCheck(rest.slice(1), process.env);
      process.stderr.write(`unknown config subcommand "${rest[0] ?? ''}"; try: config check\n`);
      return 2;
    case 'mappings': {
      if (rest[0] !== 'test') {
        process.stderr.write(
          `unknown mappings subcommand "${rest[0] ?? ''}"; try: mappings test\n`,
        );
        return 2;
      }
      const { runMappingsTestCli } = await import('./mapping/test-runner.ts');
      return runMappingsTestCli(rest.slice(1));
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agency-connector: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
