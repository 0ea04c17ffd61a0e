/** The machine a benchmark run is reported for: CPU, cores, memory, Node, RabbitMQ, git commit. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import amqp from 'amqplib';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  rabbitmq: string;
  commit: string;
  date: string;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

async function rabbitmqVersion(url: string): Promise<string> {
  try {
    const model = await amqp.connect(url);
    const props = (model.connection as unknown as { serverProperties?: { version?: unknown } })
      .serverProperties;
    await model.close();
    return typeof props?.version === 'string' ? props.version : 'unknown';
  } catch {
    return 'unreachable';
  }
}

export async function machineInfo(amqpUrl: string): Promise<MachineInfo> {
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain']) !== '';
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    rabbitmq: await rabbitmqVersion(amqpUrl),
    commit: dirty ? `${head} (with uncommitted changes)` : head,
    date: new Date().toISOString(),
  };
}
