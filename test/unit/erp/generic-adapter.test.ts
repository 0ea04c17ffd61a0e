import { describe, expect, it } from 'vitest';
import { createGenericAdapter } from '../../../adapters/erp/generic/index.ts';
import type { ErpMessage } from '../../../connector/contract/index.ts';
import { InvalidMessageError } from '../../../connector/errors.ts';
import { eventFixtureNames, loadEventFixture } from '../../fixtures/events/index.ts';

function message(body: unknown, routingKey: string): ErpMessage {
  return {
    body,
    routingKey,
    messageId: 'm-1',
    replyTo: undefined,
    correlationId: undefined,
    headers: {},
  };
}

function failure(fn: () => unknown): InvalidMessageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError);
    return err as InvalidMessageError;
  }
  throw new Error('expected a failure');
}

describe('generic adapter', () => {
  const adapter = createGenericAdapter();

  it('is named generic', () => {
    expect(adapter.name).toBe('generic');
  });

  it.each(eventFixtureNames('generic'))('adapts the %s fixture', (name) => {
    const body = loadEventFixture('generic', name);
    const out = adapter.adapt(message(body, `acme.${body.type}`), { source: 'acme' });
    expect(out.kind).toBe('event');
    if (out.kind !== 'event') return;
    expect(out.event.type).toBe(body.type);
    expect(out.envelope.id).toBe(body.id);
    expect(out.reply).toBeUndefined();
  });

  it('refuses a routing key of another source', () => {
    const body = loadEventFixture('generic', 'invoice.paused');
    const err = failure(() =>
      adapter.adapt(message(body, 'other.invoice.paused'), { source: 'acme' }),
    );
    expect(err.message).toContain('"other"');
  });

  it('refuses a routing key whose type is not the envelope type', () => {
    const body = loadEventFixture('generic', 'invoice.paused');
    const err = failure(() =>
      adapter.adapt(message(body, 'acme.invoice.withdrawn'), { source: 'acme' }),
    );
    expect(err.issues[0]?.path).toBe('type');
  });

  it.each(['acme', '', 'acme.', '.invoice.paused'])(
    'refuses the malformed routing key %j',
    (key) => {
      const body = loadEventFixture('generic', 'invoice.paused');
      failure(() => adapter.adapt(message(body, key), { source: 'acme' }));
    },
  );

  it('refuses the Atomia and internal types', () => {
    const body = loadEventFixture('atomia', 'atomia.debtcollection.cancel');
    failure(() => adapter.adapt(message(body, `acme.${body.type}`), { source: 'acme' }));
  });

  it('reports data errors with data paths', () => {
    const body = loadEventFixture('generic', 'invoice.created');
    body.data.lines[0].total = '150.001';
    const err = failure(() =>
      adapter.adapt(message(body, 'acme.invoice.created'), { source: 'acme' }),
    );
    expect(err.issues.map((i) => i.path)).toEqual(['data.lines[0].total']);
  });
});
