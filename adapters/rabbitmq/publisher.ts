import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { BrokerError } from './broker-error.ts';
import type { BrokerLogger, PublishOptions, Timers } from './types.ts';

export interface PublisherOptions {
  log: BrokerLogger;
  timers: Timers;
  timeoutMs: number;
  maxUnconfirmed: number;
  backoffMs: (attempt: number) => number;
  isBlocked: () => boolean;
}

interface Pending {
  messageId: string;
  returned: { replyCode: number } | null;
  done: boolean;
}

export interface Publisher {
  /** Opens the confirm channel on a fresh connection; rejects if it cannot. */
  attach(model: ChannelModel): Promise<void>;
  /** The connection is gone (its channel's confirms have already failed); no-op for another one. */
  detach(owner: ChannelModel): void;
  publish(
    exchange: string,
    routingKey: string,
    body: Buffer | string,
    options: PublishOptions,
  ): Promise<void>;
  unconfirmed(): number;
  /** Refuses new publishes and waits (up to `timeoutMs`) for outstanding confirms. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Confirm-channel publishing: resolves on `basic.ack` only; rejects on nack, on `basic.return`
 * (the ack that follows a return does not count), on channel or connection loss, and on timeout.
 * At most `maxUnconfirmed` publishes are on the wire; callers beyond that (or while amqplib's
 * buffer waits for `drain`) wait. Nothing is ever queued while disconnected.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const { log, timers } = options;
  let model: ChannelModel | null = null;
  let channel: ConfirmChannel | null = null;
  let needDrain = false;
  let closing = false;
  let reopenAttempt = 0;
  let reopenTimer: unknown = null;
  let inFlight = 0;
  const pendingByChannel = new Map<ConfirmChannel, Pending[]>();
  let wakers: (() => void)[] = [];

  function wake(): void {
    const list = wakers;
    wakers = [];
    for (const fn of list) fn();
  }

  async function openChannel(owner: ChannelModel): Promise<void> {
    const ch = await owner.createConfirmChannel();
    pendingByChannel.set(ch, []);
    ch.on('error', (err: unknown) => log.warn({ err }, 'amqp publish channel error'));
    ch.on('handler-error', (err: unknown, event: string) =>
      log.error({ err, event }, 'amqp publish channel listener threw'),
    );
    ch.on('drain', () => {
      needDrain = false;
      wake();
    });
    ch.on('return', (msg: Message) => {
      const messageId = String(msg.properties.messageId ?? '');
      const entry = pendingByChannel
        .get(ch)
        ?.find((p) => !p.done && p.returned === null && p.messageId === messageId);
      log.warn(
        { messageId, exchange: msg.fields.exchange, routingKey: msg.fields.routingKey },
        'amqp publish returned (unroutable)',
      );
      if (entry)
        entry.returned = { replyCode: (msg.fields as { replyCode?: number }).replyCode ?? 312 };
    });
    ch.on('close', () => {
      pendingByChannel.delete(ch);
      if (channel !== ch) return;
      channel = null;
      needDrain = false;
      wake();
      if (model === owner && !closing) scheduleReopen(owner);
    });
    if (model !== owner) {
      await ch.close().catch(() => undefined);
      throw new BrokerError('connection lost while opening the publish channel', {
        reason: 'disconnected',
      });
    }
    channel = ch;
    reopenAttempt = 0;
    wake();
  }

  function scheduleReopen(owner: ChannelModel): void {
    if (reopenTimer !== null) return;
    const delayMs = options.backoffMs(reopenAttempt++);
    log.warn({ delayMs }, 'amqp publish channel closed; reopening');
    reopenTimer = timers.setTimeout(() => {
      reopenTimer = null;
      if (model !== owner || closing) return;
      openChannel(owner).catch((err: unknown) => {
        log.warn({ err }, 'amqp publish channel reopen failed');
        if (model === owner) scheduleReopen(owner);
      });
    }, delayMs);
  }

  function failFast(fields: {
    messageId: string;
    exchange: string;
    routingKey: string;
  }): BrokerError | null {
    if (closing) return new BrokerError('broker is closing', { reason: 'closing', ...fields });
    if (!channel)
      return new BrokerError('not connected to the broker', { reason: 'disconnected', ...fields });
    if (options.isBlocked())
      return new BrokerError('broker blocked publishing (resource alarm)', {
        reason: 'blocked',
        ...fields,
      });
    return null;
  }

  async function publish(
    exchange: string,
    routingKey: string,
    body: Buffer | string,
    publishOptions: PublishOptions,
  ): Promise<void> {
    const { messageId } = publishOptions;
    const fields = { messageId, exchange, routingKey };
    if (!messageId) throw new BrokerError('messageId is required', { reason: 'failed', ...fields });
    const timeoutMs = publishOptions.timeoutMs ?? options.timeoutMs;
    let timedOut = false;
    let onTimeout: () => void = () => undefined;
    const timer = timers.setTimeout(() => {
      timedOut = true;
      onTimeout();
    }, timeoutMs);
    try {
      const early = failFast(fields);
      if (early) throw early;
      while (inFlight >= options.maxUnconfirmed || needDrain) {
        await new Promise<void>((resolve) => {
          onTimeout = resolve;
          wakers.push(resolve);
        });
        if (timedOut)
          throw new BrokerError('publish timed out waiting for capacity', {
            reason: 'timeout',
            ...fields,
          });
        const again = failFast(fields);
        if (again) throw again;
      }
      const ch = channel;
      if (!ch)
        throw new BrokerError('not connected to the broker', { reason: 'disconnected', ...fields });
      const entry: Pending = { messageId, returned: null, done: false };
      const list = pendingByChannel.get(ch) ?? [];
      await new Promise<void>((resolve, reject) => {
        onTimeout = () =>
          reject(
            new BrokerError('publish not confirmed in time', { reason: 'timeout', ...fields }),
          );
        const settle = (err: unknown): void => {
          if (entry.done) return;
          entry.done = true;
          inFlight -= 1;
          const at = list.indexOf(entry);
          if (at >= 0) list.splice(at, 1);
          wake();
          if (timedOut) {
            log.debug({ messageId, nacked: Boolean(err) }, 'late confirm after publish timeout');
            return;
          }
          if (err) {
            // amqplib fails every outstanding callback with 'channel closed' when the channel dies.
            const reason =
              err instanceof Error && err.message === 'message nacked'
                ? 'nacked'
                : 'channel-closed';
            reject(new BrokerError(`publish ${reason}`, { reason, ...fields }, { cause: err }));
          } else if (entry.returned) {
            reject(
              new BrokerError('publish returned: no queue bound', {
                reason: 'returned',
                ...fields,
                replyCode: entry.returned.replyCode,
              }),
            );
          } else resolve();
        };
        inFlight += 1;
        list.push(entry);
        try {
          const ok = ch.publish(
            exchange,
            routingKey,
            typeof body === 'string' ? Buffer.from(body) : body,
            {
              messageId,
              persistent: true,
              mandatory: publishOptions.mandatory ?? true,
              contentType: publishOptions.contentType ?? 'application/json',
              ...(publishOptions.headers ? { headers: publishOptions.headers } : {}),
              ...(publishOptions.correlationId
                ? { correlationId: publishOptions.correlationId }
                : {}),
              ...(publishOptions.replyTo ? { replyTo: publishOptions.replyTo } : {}),
            },
            settle,
          );
          if (!ok) needDrain = true;
        } catch (err) {
          settle(err);
        }
      });
    } finally {
      timers.clearTimeout(timer);
    }
  }

  return {
    async attach(owner) {
      model = owner;
      await openChannel(owner);
    },
    detach(owner) {
      if (model !== owner) return;
      model = null;
      channel = null;
      needDrain = false;
      if (reopenTimer !== null) timers.clearTimeout(reopenTimer);
      reopenTimer = null;
      wake();
    },
    publish,
    unconfirmed: () => inFlight,
    async drain(timeoutMs) {
      closing = true;
      wake();
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = timers.setTimeout(resolve, Math.max(1, deadline - Date.now()));
          wakers.push(() => {
            timers.clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}
