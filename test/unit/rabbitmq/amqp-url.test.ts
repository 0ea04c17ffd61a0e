import { describe, expect, it } from 'vitest';
import { maskAmqpUrl, withDefaultHeartbeat } from '../../../adapters/rabbitmq/index.ts';

describe('maskAmqpUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(maskAmqpUrl('amqp://app:s3cr%40t@broker.example:5672/prod?heartbeat=15')).toBe(
      'amqp://app:***@broker.example:5672/prod?heartbeat=15',
    );
    expect(maskAmqpUrl('amqps://app:pw@h/%2F')).toBe('amqps://app:***@h/%2F');
  });

  it('leaves URLs without a password unchanged', () => {
    expect(maskAmqpUrl('amqp://127.0.0.1:5672')).toBe('amqp://127.0.0.1:5672');
    expect(maskAmqpUrl('amqp://user@host')).toBe('amqp://user@host');
  });

  it('never returns the password, even for URLs that do not parse', () => {
    for (const url of ['amqp://u:CANARY-PW@[bad', 'u:CANARY-PW@host', '//u:CANARY-PW@ho st:x']) {
      expect(maskAmqpUrl(url)).not.toContain('CANARY-PW');
    }
  });
});

describe('withDefaultHeartbeat', () => {
  it('adds heartbeat when absent and keeps an explicit one', () => {
    expect(withDefaultHeartbeat('amqp://u:p@h:5672/v', 15)).toBe(
      'amqp://u:p@h:5672/v?heartbeat=15',
    );
    expect(withDefaultHeartbeat('amqp://h?frameMax=8192', 15)).toBe(
      'amqp://h?frameMax=8192&heartbeat=15',
    );
    expect(withDefaultHeartbeat('amqp://h?heartbeat=5', 15)).toBe('amqp://h?heartbeat=5');
  });
});
