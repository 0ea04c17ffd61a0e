import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { createPublisher } from '../../../adapters/rabbitmq/publisher.ts';
import type { BrokerLogger, Timers } from '../../../adapters/rabbitmq/index.ts';

type Cb = (err: unknown) => void;
interface Sent {
  exchange: string;
  routingKey: string;
  options: Record<string, unknown>;
  cb: Cb;
}

/** A confirm channel that confirms only when told to, like amqplib's (close fails all callbacks). */
class FakeConfirmChannel extends EventEmitter {
  sent: Sent[] = [];
  writable = true;
  closed = false;
  publish(
    exchange: string,
    routingKey: string,
    _content: Buffer,
    options: Record<string, unknown>,
    cb: Cb,
  ): boolean {
    if (this.closed) throw new Error('Channel closed');
    this.sent.push({ exchange, routingKey, options, cb });
    return this.writable;
  }
  ack(i: number): void {
    this.sent[i]!.cb(null);
  }
  nack(i: number): void {
    this.sent[i]!.cb(new Error('message nacked'));
  }
  returnMessage(i: number): void {
    this.emit('return', {
      fields: { replyCode: 312, exchange: 'x', routingKey: 'k' },
      properties: this.sent[i]!.options,
    });
  }
  kill(): void {
    this.closed = true;
    for (const s of this.sent) s.cb(new Error('channel closed'));
    this.emit('close');
  }
  close(): Promise<void> {
    this.kill();
    return Promise.resolve();
  }
}

function manualTimers(): Timers & { fire(): void; pending(): number } {
  const handles = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => {
      handles.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => void handles.delete(h as number),
    fire: () => {
      const fns = [...handles.values()];
      handles.clear();
      for (const fn of fns) fn();
    },
    pending: () => handles.size,
  };
}

const silent: BrokerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

async function setup(maxUnconfirmed = 2) {
  const channel = new FakeConfirmChannel();
  const model = { createConfirmChannel: () => Promise.resolve(channel) } as unknown as ChannelModel;
  const timers = manualTimers();
  const publisher = createPublisher({
    log: silent,
    timers,
    timeoutMs: 1000,
    maxUnconfirmed,
    backoffMs: () => 10,
    isBlocked: () => false,
  });
  await publisher.attach(model);
  return { channel, timers, publisher };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('publisher (fake confirm channel)', () => {
  it('resolves on ack with persistent, mandatory and JSON defaults', async () => {
    const { channel, publisher } = await setup();
    const p = publisher.publish('ex', 'rk', '{}', { messageId: 'm1' });
    expect(channel.sent[0]!.options).toMatchObject({
      messageId: 'm1',
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
    });
    channel.ack(0);
    await expect(p).resolves.toBeUndefined();
    expect(publisher.unconfirmed()).toBe(0);
  });

  it('rejects on nack', async () => {
    const { channel, publisher } = await setup();
    const p = publisher.publish('ex', 'rk', '{}', { messageId: 'm1' });
    channel.nack(0);
    await expect(p).rejects.toMatchObject({ reason: 'nacked', messageId: 'm1' });
  });

  it('treats a return followed by an ack as a failure, keyed by messageId', async () => {
    const { channel, publisher } = await setup();
    const a = publisher.publish('ex', 'rk', '{}', { messageId: 'a' });
    const b = publisher.publish('ex', 'rk', '{}', { messageId: 'b' });
    channel.returnMessage(1);
    channel.ack(0);
    channel.ack(1);
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toMatchObject({ reason: 'returned', messageId: 'b', replyCode: 312 });
  });

  it('fails every outstanding confirm when the channel closes, then refuses fast', async () => {
    const { channel, publisher } = await setup();
    const a = publisher.publish('ex', 'rk', '{}', { messageId: 'a' });
    const b = publisher.publish('ex', 'rk', '{}', { messageId: 'b' });
    channel.kill();
    await expect(a).rejects.toMatchObject({ reason: 'channel-closed' });
    await expect(b).rejects.toMatchObject({ reason: 'channel-closed' });
    await expect(publisher.publish('ex', 'rk', '{}', { messageId: 'c' })).rejects.toMatchObject({
      reason: 'disconnected',
    });
    expect(publisher.unconfirmed()).toBe(0);
  });

  it('times out an unconfirmed publish; a late ack is ignored but frees the slot', async () => {
    const { channel, timers, publisher } = await setup();
    const p = publisher.publish('ex', 'rk', '{}', { messageId: 'slow' });
    timers.fire();
    await expect(p).rejects.toMatchObject({ reason: 'timeout', messageId: 'slow' });
    expect(publisher.unconfirmed()).toBe(1);
    channel.ack(0);
    expect(publisher.unconfirmed()).toBe(0);
  });

  it('waits at the in-flight cap and while amqplib asks for drain', async () => {
    const { channel, publisher } = await setup(2);
    const done: string[] = [];
    const publish = (id: string) =>
      publisher.publish('ex', 'rk', '{}', { messageId: id }).then(() => void done.push(id));
    const all = ['a', 'b', 'c'].map(publish);
    await tick();
    expect(channel.sent.map((s) => s.options.messageId)).toEqual(['a', 'b']);
    channel.ack(0);
    await tick();
    expect(channel.sent.map((s) => s.options.messageId)).toEqual(['a', 'b', 'c']);
    channel.ack(1);
    channel.ack(2);
    await Promise.all(all);

    channel.writable = false;
    const d = publish('d');
    const e = publish('e');
    await tick();
    expect(channel.sent).toHaveLength(4); // 'e' waits for drain
    channel.emit('drain');
    await tick();
    expect(channel.sent).toHaveLength(5);
    channel.ack(3);
    channel.ack(4);
    await Promise.all([d, e]);
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('rejects a waiting publish when its timeout passes while waiting for capacity', async () => {
    const { channel, timers, publisher } = await setup(1);
    const first = publisher.publish('ex', 'rk', '{}', { messageId: 'a' });
    const second = publisher.publish('ex', 'rk', '{}', { messageId: 'b' });
    await tick();
    timers.fire();
    await expect(second).rejects.toMatchObject({ reason: 'timeout', messageId: 'b' });
    await expect(first).rejects.toMatchObject({ reason: 'timeout' });
    expect(channel.sent).toHaveLength(1);
  });

  it('refuses an empty messageId', async () => {
    const { publisher } = await setup();
    await expect(publisher.publish('ex', 'rk', '{}', { messageId: '' })).rejects.toMatchObject({
      reason: 'failed',
    });
  });
});
