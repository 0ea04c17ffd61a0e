import type { ChannelModel } from 'amqplib';
import type { TopologySpec } from './topology.ts';

/** pino-compatible subset: `log.warn({ err }, 'message')`. */
export interface BrokerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type HeaderValue = string | number | boolean | null;

export interface PublishOptions {
  /** The outbox id (or inbound `id` for replies); also the key for `basic.return`. Required. */
  messageId: string;
  headers?: Record<string, HeaderValue>;
  correlationId?: string;
  replyTo?: string;
  /** Default `application/json`. */
  contentType?: string;
  /** Default true: an unroutable message is returned, and the publish rejects. */
  mandatory?: boolean;
  /** Overrides `BrokerOptions.publishTimeoutMs` for this call. */
  timeoutMs?: number;
}

export interface DeliveryProperties {
  messageId: string | undefined;
  correlationId: string | undefined;
  replyTo: string | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  type: string | undefined;
  timestamp: number | undefined;
  appId: string | undefined;
  headers: Record<string, unknown>;
}

export interface Delivery {
  body: Buffer;
  properties: DeliveryProperties;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  /**
   * Earlier failed deliveries: quorum `x-delivery-count` when present, else 1 when the broker
   * flags a redelivery, else 0.
   */
  deliveryCount: number;
  /** Acks on the channel the message came from; dropped (false) if that channel has died. */
  ack(): boolean;
  /** Nacks (default requeue true); dropped (false) if the channel has died or already settled. */
  nack(options?: { requeue?: boolean }): boolean;
  readonly settled: boolean;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface ConsumeOptions {
  /** Unacked deliveries allowed in flight for this consumer (10–50 is sane). */
  prefetch: number;
}

export interface ConsumerStatus {
  queue: string;
  /** Registered on the broker right now. */
  alive: boolean;
  /** Paused on purpose (`pause(queue)`), not a fault. */
  paused: boolean;
  lastDeliveryAt: number | null;
  inFlight: number;
}

export type LinkName = 'consume' | 'publish';

export interface BrokerStatus {
  /** Both connections are up and set up. */
  connected: boolean;
  links: Record<LinkName, boolean>;
  /** The broker blocked a connection (resource alarm). */
  blocked: boolean;
  consumers: ConsumerStatus[];
  /** Publishes sent and not yet confirmed. */
  unconfirmed: number;
}

export interface BrokerEvents {
  connected: { link: LinkName };
  disconnected: { link: LinkName; error?: Error };
  blocked: { link: LinkName; reason: string };
  unblocked: { link: LinkName };
  'consumer-cancelled': { queue: string };
}

export type ConnectFn = (
  url: string,
  socketOptions: Record<string, unknown>,
) => Promise<ChannelModel>;

export interface BrokerOptions {
  /** `amqp://user:pass@host:port/vhost`; `heartbeat` is added when absent. Never logged unmasked. */
  url: string;
  topology: TopologySpec;
  log: BrokerLogger;
  /** Default 15 s: about 30 s to detect a silent broker. */
  heartbeatSeconds?: number;
  /** Shown in the management UI / `rabbitmqctl list_connections`, suffixed `:consume`/`:publish`. */
  connectionName?: string;
  /** Extra socket options for amqplib (TLS `ca`, `cert`, …). */
  socketOptions?: Record<string, unknown>;
  /** Default 10 s, from the call to the broker ack. */
  publishTimeoutMs?: number;
  /** Cap on sent-but-unconfirmed publishes; further calls wait. Default 256. */
  maxUnconfirmed?: number;
  /**
   * Reconnect backoff (full jitter). Defaults 500 ms base, 5 s cap: the wait after an outage is
   * at most the cap, so a link is back within about 5 s of the broker (RELIABILITY.md A1/R1 ask
   * ≤ 10 s; a 30 s cap measured 4–9 s after only a ~8 s broker restart, and up to 30 s after longer ones).
   */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** `close()` waits this long for handlers and confirms. Default 10 s. */
  drainTimeoutMs?: number;
  random?: () => number;
  timers?: Timers;
  now?: () => number;
  /** Injectable for fakes; default `amqplib.connect`. */
  connect?: ConnectFn;
}

export interface Broker {
  /** Starts connecting (returns at once; watch `status()` / the `connected` event). */
  start(): void;
  publish(
    exchange: string,
    routingKey: string,
    body: Buffer | string,
    options: PublishOptions,
  ): Promise<void>;
  /** Publishes through the default exchange, e.g. a reply to `replyTo`. */
  sendToQueue(queue: string, body: Buffer | string, options: PublishOptions): Promise<void>;
  consume(queue: string, handler: DeliveryHandler, options: ConsumeOptions): void;
  pause(queue: string): Promise<void>;
  resume(queue: string): void;
  consumerStats(queue: string): ConsumerStatus | undefined;
  checkQueue(queue: string): Promise<{ messageCount: number; consumerCount: number }>;
  status(): BrokerStatus;
  on<E extends keyof BrokerEvents>(
    event: E,
    listener: (payload: BrokerEvents[E]) => void,
  ): () => void;
  close(): Promise<void>;
  /** Fault injection for tests: destroys the socket of a link as a network cut would. */
  readonly testHooks: { destroySocket(link: LinkName): void };
}
