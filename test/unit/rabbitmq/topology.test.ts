import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../connector/errors.ts';
import {
  buildTopology,
  queueArguments,
  retryRoute,
  validateTopology,
  type TopologySpec,
} from '../../../adapters/rabbitmq/index.ts';

describe('buildTopology', () => {
  const spec = buildTopology({
    sources: ['acme', 'atomia-2'],
    retryDelaysMs: [1000, 5000],
    inboundMaxLength: 500_000,
  });
  const queue = (name: string) => spec.queues.find((q) => q.name === name);
  const exchange = (name: string) => spec.exchanges.find((e) => e.name === name);

  it('declares one quorum inbound queue per source with explicit limits and at-least-once dead-lettering', () => {
    expect(queue('connector.acme.inbound')).toEqual({
      name: 'connector.acme.inbound',
      quorum: true,
      deliveryLimit: 10,
      deadLetterExchange: 'connector.dlx',
      deadLetterStrategy: 'at-least-once',
      overflow: 'reject-publish',
      maxLength: 500_000,
      bindings: [{ exchange: 'erp.events', routingKey: 'acme.#' }],
    });
    expect(queue('connector.atomia-2.inbound')?.bindings).toEqual([
      { exchange: 'erp.events', routingKey: 'atomia-2.#' },
    ]);
  });

  it('declares the exchanges, the dead-letter path and the alternate exchange of agency.events', () => {
    expect(exchange('erp.events')).toEqual({ name: 'erp.events', type: 'topic' });
    expect(exchange('agency.events')).toEqual({
      name: 'agency.events',
      type: 'topic',
      alternateExchange: 'connector.unroutable',
    });
    expect(exchange('connector.unroutable')?.type).toBe('fanout');
    expect(exchange('connector.dlx')?.type).toBe('topic');
    expect(queue('connector.dead-letter')?.bindings).toEqual([
      { exchange: 'connector.dlx', routingKey: '#' },
    ]);
    expect(queue('connector.unroutable')?.bindings).toEqual([
      { exchange: 'connector.unroutable', routingKey: '' },
    ]);
  });

  it('declares a fanout exchange and a TTL queue per delay that dead-letters to the default exchange', () => {
    expect(exchange('connector.retry.5000ms')?.type).toBe('fanout');
    const delay = queue('connector.retry.5000ms')!;
    expect(queueArguments(delay)).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 5000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(delay.deadLetterRoutingKey).toBeUndefined();
    expect(delay.bindings).toEqual([{ exchange: 'connector.retry.5000ms', routingKey: '' }]);
  });

  it('honours a prefix, exchange names, the delivery limit and omits x-max-length by default', () => {
    const custom = buildTopology({
      sources: ['x'],
      prefix: 't-1',
      erpExchange: 'e1',
      agencyExchange: 'a1',
      deliveryLimit: 5,
    });
    const inbound = custom.queues.find((q) => q.name === 't-1.x.inbound')!;
    expect(queueArguments(inbound)).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 5,
      'x-dead-letter-exchange': 't-1.dlx',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(custom.exchanges.map((e) => e.name)).toEqual(
      expect.arrayContaining(['e1', 'a1', 't-1.dlx', 't-1.unroutable']),
    );
    expect(
      custom.queues.filter((q) => q.name.startsWith('t-1.retry.')).map((q) => q.messageTtlMs),
    ).toEqual([1000, 5000, 30_000, 120_000, 600_000]);
    expect(validateTopology(custom)).toEqual([]);
  });

  it('rejects bad options with every issue at once', () => {
    try {
      buildTopology({
        sources: ['ok', 'bad.name', 'ok'],
        retryDelaysMs: [0, 1.5],
        deliveryLimit: 0,
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual([
        'sources.1',
        'sources',
        'retryDelaysMs.0',
        'retryDelaysMs.1',
        'deliveryLimit',
      ]);
    }
  });
});

describe('retryRoute', () => {
  it('picks the smallest delay step not shorter than wanted, targeting the inbound queue', () => {
    const options = { prefix: 'p', retryDelaysMs: [30_000, 1000, 5000] };
    expect(retryRoute(options, 'acme', 3000)).toEqual({
      exchange: 'p.retry.5000ms',
      routingKey: 'p.acme.inbound',
      delayMs: 5000,
    });
    expect(retryRoute(options, 'acme', 0).delayMs).toBe(1000);
    expect(retryRoute(options, 'acme', 999_999).delayMs).toBe(30_000);
  });
});

describe('validateTopology', () => {
  it('reports unknown exchanges, classic-only misuse and at-least-once without reject-publish', () => {
    const spec: TopologySpec = {
      exchanges: [{ name: 'x', type: 'topic', alternateExchange: 'missing-ae' }],
      queues: [
        {
          name: 'q1',
          quorum: false,
          deliveryLimit: 3,
          bindings: [{ exchange: 'nope', routingKey: '#' }],
        },
        { name: 'q2', deadLetterExchange: 'x', deadLetterStrategy: 'at-least-once', bindings: [] },
      ],
    };
    expect(validateTopology(spec).map((i) => i.path)).toEqual([
      'exchanges.0.alternateExchange',
      'queues.0',
      'queues.0.bindings.0.exchange',
      'queues.1.overflow',
    ]);
  });
});
