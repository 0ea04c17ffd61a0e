import { ConfigError, type FieldIssue } from '../../connector/errors.ts';

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export interface ExchangeSpec {
  name: string;
  type: ExchangeType;
  alternateExchange?: string;
}

export interface QueueBindingSpec {
  exchange: string;
  routingKey: string;
}

export interface QueueSpec {
  name: string;
  /** Quorum queue (the default) or classic durable queue. */
  quorum?: boolean;
  /** `x-delivery-limit` (quorum only). Declared explicitly: 3.x has no default, 4.x has 20. */
  deliveryLimit?: number;
  deadLetterExchange?: string;
  deadLetterRoutingKey?: string;
  /** `x-dead-letter-strategy` (quorum only); `at-least-once` needs `overflow: 'reject-publish'`. */
  deadLetterStrategy?: 'at-most-once' | 'at-least-once';
  messageTtlMs?: number;
  maxLength?: number;
  overflow?: 'reject-publish' | 'drop-head';
  bindings: QueueBindingSpec[];
}

/** Topology as data; applied idempotently by `assertTopology` on every (re)connect. */
export interface TopologySpec {
  exchanges: ExchangeSpec[];
  queues: QueueSpec[];
}

export interface TopologyNamesOptions {
  /** Prefix of every connector-owned exchange and queue. */
  prefix?: string;
  erpExchange?: string;
  agencyExchange?: string;
}

export interface TopologyNames {
  erpExchange: string;
  agencyExchange: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  unroutableExchange: string;
  unroutableQueue: string;
  inboundQueue: (source: string) => string;
  /** Exchange (fanout) and queue of the delay step `delayMs`; both carry the same name. */
  retryQueue: (delayMs: number) => string;
}

export function topologyNames(options: TopologyNamesOptions = {}): TopologyNames {
  const {
    prefix = 'connector',
    erpExchange = 'erp.events',
    agencyExchange = 'agency.events',
  } = options;
  return {
    erpExchange,
    agencyExchange,
    deadLetterExchange: `${prefix}.dlx`,
    deadLetterQueue: `${prefix}.dead-letter`,
    unroutableExchange: `${prefix}.unroutable`,
    unroutableQueue: `${prefix}.unroutable`,
    inboundQueue: (source) => `${prefix}.${source}.inbound`,
    retryQueue: (delayMs) => `${prefix}.retry.${delayMs}ms`,
  };
}

export interface BuildTopologyOptions extends TopologyNamesOptions {
  /** ERP source names (letters, digits, `-`), one inbound queue each. */
  sources: string[];
  /** Delay steps for retries, in ms. */
  retryDelaysMs?: number[];
  /** `x-delivery-limit` of the inbound queues. */
  deliveryLimit?: number;
  /** `x-max-length` of each inbound queue (size it for an outage of a few days). */
  inboundMaxLength?: number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000, 120_000, 600_000];

const SOURCE_PATTERN = /^[A-Za-z0-9-]+$/u;

/**
 * The connector's topology. Retry design: each delay step is a fanout exchange and a queue of
 * the same name, with `x-message-ttl` and `x-dead-letter-exchange: ''` (no DLX routing key).
 * Publish to the delay EXCHANGE with the target inbound queue's name as routing key; fanout
 * ignores the key, the queue keeps it, and on expiry the default exchange routes the message
 * back to that inbound queue. (Publishing straight to the delay queue through the default
 * exchange would keep the delay queue's own name as routing key: RabbitMQ detects the cycle and
 * drops the message, checked on 3.10.8.) Quorum queues honour `x-message-ttl` since 3.10
 * (checked on 3.10.8), so the delay queues are quorum queues with at-least-once dead-lettering.
 */
export function buildTopology(options: BuildTopologyOptions): TopologySpec {
  const {
    sources,
    retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
    deliveryLimit = 10,
    inboundMaxLength,
  } = options;
  const names = topologyNames(options);
  checkOptions(sources, retryDelaysMs, deliveryLimit, inboundMaxLength);

  const exchanges: ExchangeSpec[] = [
    { name: names.erpExchange, type: 'topic' },
    { name: names.agencyExchange, type: 'topic', alternateExchange: names.unroutableExchange },
    { name: names.unroutableExchange, type: 'fanout' },
    { name: names.deadLetterExchange, type: 'topic' },
  ];
  const queues: QueueSpec[] = sources.map((source) => ({
    name: names.inboundQueue(source),
    quorum: true,
    deliveryLimit,
    deadLetterExchange: names.deadLetterExchange,
    deadLetterStrategy: 'at-least-once',
    overflow: 'reject-publish',
    ...(inboundMaxLength === undefined ? {} : { maxLength: inboundMaxLength }),
    bindings: [{ exchange: names.erpExchange, routingKey: `${source}.#` }],
  }));
  queues.push(
    {
      name: names.deadLetterQueue,
      quorum: true,
      bindings: [{ exchange: names.deadLetterExchange, routingKey: '#' }],
    },
    {
      name: names.unroutableQueue,
      quorum: true,
      bindings: [{ exchange: names.unroutableExchange, routingKey: '' }],
    },
  );
  for (const delayMs of retryDelaysMs) {
    const name = names.retryQueue(delayMs);
    exchanges.push({ name, type: 'fanout' });
    queues.push({
      name,
      quorum: true,
      messageTtlMs: delayMs,
      deadLetterExchange: '',
      deadLetterStrategy: 'at-least-once',
      overflow: 'reject-publish',
      bindings: [{ exchange: name, routingKey: '' }],
    });
  }
  return { exchanges, queues };
}

export interface RetryRoute {
  exchange: string;
  routingKey: string;
  delayMs: number;
}

/**
 * Where to publish a message that must come back to `source`'s inbound queue after about
 * `wantedDelayMs`: the smallest configured step ≥ the wanted delay (or the largest step).
 */
export function retryRoute(
  options: Pick<BuildTopologyOptions, 'prefix' | 'retryDelaysMs'>,
  source: string,
  wantedDelayMs: number,
): RetryRoute {
  const names = topologyNames(options);
  const steps = [...(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)].sort((a, b) => a - b);
  const delayMs = steps.find((step) => step >= wantedDelayMs) ?? steps.at(-1);
  if (delayMs === undefined) throw new ConfigError('no retry delays configured');
  return { exchange: names.retryQueue(delayMs), routingKey: names.inboundQueue(source), delayMs };
}

function checkOptions(
  sources: string[],
  retryDelaysMs: readonly number[],
  deliveryLimit: number,
  inboundMaxLength: number | undefined,
): void {
  const issues: FieldIssue[] = [];
  sources.forEach((source, i) => {
    if (!SOURCE_PATTERN.test(source)) {
      issues.push({ path: `sources.${i}`, message: 'letters, digits and "-" only' });
    }
  });
  if (new Set(sources).size !== sources.length)
    issues.push({ path: 'sources', message: 'duplicate source' });
  retryDelaysMs.forEach((delayMs, i) => {
    if (!Number.isInteger(delayMs) || delayMs <= 0) {
      issues.push({ path: `retryDelaysMs.${i}`, message: 'a positive integer of ms' });
    }
  });
  if (new Set(retryDelaysMs).size !== retryDelaysMs.length) {
    issues.push({ path: 'retryDelaysMs', message: 'duplicate delay' });
  }
  if (!Number.isInteger(deliveryLimit) || deliveryLimit < 1) {
    issues.push({ path: 'deliveryLimit', message: 'a positive integer' });
  }
  if (
    inboundMaxLength !== undefined &&
    (!Number.isInteger(inboundMaxLength) || inboundMaxLength < 1)
  ) {
    issues.push({ path: 'inboundMaxLength', message: 'a positive integer' });
  }
  if (issues.length > 0) throw new ConfigError('invalid RabbitMQ topology options', issues);
}
