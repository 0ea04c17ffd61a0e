/**
 * The root logger: pino JSON to stdout (pino-pretty when stdout is a terminal), redaction of
 * secrets and personal data by fixed paths as a backstop. The first rule stays: log ids, states
 * and error classes, never payloads. Child loggers per module (`child({ module })`) and per
 * message (`child({ messageId, invoiceNumber })`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'apiKey',
  'apikey',
  'password',
  'token',
  'opsToken',
  'ingressToken',
  'secret',
  'authorization',
  'cookie',
  '["x-api-key"]',
];
const PERSONAL_KEYS = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'address',
  'street',
  'personalId',
  'personalIdentityNumber',
  'CustomerName',
  'CustomerFirstName',
  'CustomerLastName',
  'CustomerEmail',
  'CustomerAddress',
  'CustomerCompanyNumber',
  'buyer',
  'body',
  'data',
];

function keyPath(prefix: string, key: string): string {
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

/** Fixed redaction paths: each key at the top level and up to three levels down. */
export function redactionPaths(): string[] {
  const keys = [...SECRET_KEYS, ...PERSONAL_KEYS];
  const out: string[] = [];
  for (const key of keys) {
    out.push(key.startsWith('[') ? key.slice(2, -2) : key);
    out.push(keyPath('*', key), keyPath('*.*', key), keyPath('*.*.*', key));
    out.push(keyPath('headers', key), keyPath('err.headers', key));
  }
  return [...new Set(out)];
}

export interface LoggerOptions {
  level: string;
  pretty: 'auto' | 'always' | 'never';
  /** Where lines go; default stdout. Tests pass a stream and parse JSON lines. */
  destination?: DestinationStream;
  isTty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: redactionPaths(), censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  };
  const pretty =
    options.pretty === 'always' || (options.pretty === 'auto' && (options.isTty ?? false));
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss' },
      },
    });
  }
  return pino(base, pino.destination({ dest: 1, sync: false }));
}

/** Flushes buffered lines (async destination) before exit. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.flush(() => resolve());
  });
}
