import { TransportError } from '../../connector/errors.ts';

/** Why a broker operation failed; every reason is transient for the caller (retry later). */
export type BrokerErrorReason =
  | 'disconnected'
  | 'blocked'
  | 'closing'
  | 'nacked'
  | 'returned'
  | 'timeout'
  | 'channel-closed'
  | 'not-found'
  | 'failed';

export interface BrokerErrorFields {
  reason: BrokerErrorReason;
  messageId?: string;
  exchange?: string;
  routingKey?: string;
  queue?: string;
  /** AMQP reply code (e.g. 312 NO_ROUTE, 404 NOT_FOUND) when the broker gave one. */
  replyCode?: number;
}

/**
 * A RabbitMQ operation failed. A `TransportError`, so the pipeline treats it as transient: the
 * outbox row stays pending and is sent again later. Never carries a URL, a body or headers.
 */
export class BrokerError extends TransportError {
  readonly reason: BrokerErrorReason;
  readonly messageId: string | undefined;
  readonly exchange: string | undefined;
  readonly routingKey: string | undefined;
  readonly queue: string | undefined;
  readonly replyCode: number | undefined;
  constructor(message: string, fields: BrokerErrorFields, options?: ErrorOptions) {
    super(message, options);
    this.reason = fields.reason;
    this.messageId = fields.messageId;
    this.exchange = fields.exchange;
    this.routingKey = fields.routingKey;
    this.queue = fields.queue;
    this.replyCode = fields.replyCode;
  }
}
