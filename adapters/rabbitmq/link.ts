import type { ChannelModel } from 'amqplib';
import { maskAmqpUrl } from './amqp-url.ts';
import type { BrokerLogger, ConnectFn, LinkName, Timers } from './types.ts';

export interface LinkOptions {
  name: LinkName;
  url: string;
  socketOptions: Record<string, unknown>;
  connect: ConnectFn;
  log: BrokerLogger;
  timers: Timers;
  backoffMs: (attempt: number) => number;
  /** Runs after every (re)connect, before the link counts as up; a throw drops the connection. */
  setup: (model: ChannelModel) => Promise<void>;
  /** How long a polite connection close may take before the socket is reset. */
  closeTimeoutMs: number;
  onUp: (model: ChannelModel) => void;
  onDown: (error: Error | undefined) => void;
  /** Every close of a connection this link opened, up or still in setup. */
  onClosed?: (model: ChannelModel) => void;
  onBlocked: (reason: string) => void;
  onUnblocked: () => void;
}

export interface Link {
  start(): void;
  /** The connection when it is up (set up), else null. Never cache it across reconnects. */
  current(): ChannelModel | null;
  isBlocked(): boolean;
  stop(): Promise<void>;
  destroySocket(): void;
}

/** One supervised AMQP connection: handlers attached at once, reconnect with backoff, `close` as the single recovery trigger. */
export function createLink(options: LinkOptions): Link {
  const { name, log, timers } = options;
  const masked = maskAmqpUrl(options.url);
  let active: ChannelModel | null = null;
  let up = false;
  let blocked = false;
  let started = false;
  let stopped = false;
  let attempt = 0;
  let timer: unknown = null;

  function scheduleReconnect(): void {
    if (stopped || timer !== null) return;
    const delayMs = options.backoffMs(attempt++);
    log.info({ link: name, delayMs, attempt }, 'amqp reconnect scheduled');
    timer = timers.setTimeout(() => {
      timer = null;
      void open();
    }, delayMs);
  }

  function attach(model: ChannelModel): void {
    model.on('error', (err: unknown) => log.warn({ err, link: name }, 'amqp connection error'));
    // amqplib 2.3.1 checks `handler-error` listeners on the inner Connection, not on the
    // ChannelModel its README shows: a listener on the model never fires (checked).
    (model.connection as unknown as NodeJS.EventEmitter).on(
      'handler-error',
      (err: unknown, event: string) =>
        log.error({ err, link: name, event }, 'amqp connection listener threw'),
    );
    model.on('blocked', (reason: unknown) => {
      blocked = true;
      log.warn({ link: name, reason: String(reason) }, 'amqp connection blocked by the broker');
      options.onBlocked(String(reason));
    });
    model.on('unblocked', () => {
      blocked = false;
      log.info({ link: name }, 'amqp connection unblocked');
      options.onUnblocked();
    });
    model.on('close', (err: unknown) => {
      if (active !== model) return;
      active = null;
      const wasUp = up;
      up = false;
      if (blocked) {
        blocked = false;
        options.onUnblocked();
      }
      const error = err instanceof Error ? err : undefined;
      if (!stopped) log.warn({ err: error, link: name }, 'amqp connection closed');
      options.onClosed?.(model);
      if (wasUp) options.onDown(error);
      scheduleReconnect();
    });
  }

  async function open(): Promise<void> {
    let model: ChannelModel;
    try {
      model = await options.connect(options.url, options.socketOptions);
    } catch (err) {
      log.warn({ err, link: name, url: masked }, 'amqp connect failed');
      scheduleReconnect();
      return;
    }
    attach(model);
    active = model;
    if (stopped) {
      await closeModel(model);
      return;
    }
    try {
      await options.setup(model);
    } catch (err) {
      log.error({ err, link: name }, 'amqp setup failed; reconnecting');
      if (active === model) await closeModel(model);
      return;
    }
    if (active !== model || stopped) return;
    up = true;
    attempt = 0;
    log.info({ link: name, url: masked }, 'amqp connected');
    options.onUp(model);
  }

  /** Closes politely; a close that fails or hangs (dead socket) ends in a socket reset. */
  async function closeModel(model: ChannelModel): Promise<void> {
    let timeout: unknown = null;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = timers.setTimeout(() => resolve('timeout'), options.closeTimeoutMs);
    });
    try {
      const result = await Promise.race([model.close().then(() => 'closed' as const), timedOut]);
      if (result === 'timeout') throw new Error('connection close timed out');
    } catch (err) {
      log.debug({ err, link: name }, 'amqp connection close failed; destroying the socket');
      resetSocket(model, 'close failed');
    } finally {
      timers.clearTimeout(timeout);
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      void open();
    },
    current: () => (up ? active : null),
    isBlocked: () => blocked,
    async stop() {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      const model = active;
      if (model) await closeModel(model);
    },
    destroySocket() {
      const model = active;
      if (model) resetSocket(model, 'test hook: network cut');
    },
  };
}

/**
 * Destroys the socket WITH an error: amqplib listens to the socket's `error` and `end` only, so
 * a bare `destroy()` goes unnoticed until the heartbeat times out (checked on 2.3.1).
 */
function resetSocket(model: ChannelModel, reason: string): void {
  const stream = (model.connection as unknown as { stream?: { destroy(err?: Error): void } })
    .stream;
  stream?.destroy(Object.assign(new Error(reason), { code: 'ECONNRESET' }));
}
