/**
 * What an ERP adapter is: one ERP's native messages in, contract events (or Atomia queries) out.
 * Adapters are pure: no I/O, no store, no clock. They throw InvalidMessageError for anything
 * that does not fit (the message is dead-lettered at once), and nothing else.
 */
import type { Envelope } from './envelope.ts';
import type { InboundEvent } from './inbound-schemas.ts';

export interface ErpMessage {
  /** The decoded JSON body (see decodeBody). */
  body: unknown;
  /** `<source>.<type>` (the original routing key when the message came back from a retry queue). */
  routingKey: string;
  messageId: string | undefined;
  /** AMQP `reply_to` (request/reply messages of the atomia adapter). */
  replyTo: string | undefined;
  correlationId: string | undefined;
  headers: Record<string, unknown>;
}

/** Where and how to answer a request/reply message. */
export interface ReplyTarget {
  /** The AMQP `reply_to` queue (may be RabbitMQ's direct reply-to pseudo-queue). */
  to: string;
  /** The request's `correlation_id`, or its message id (or envelope id) when it had none. */
  correlationId: string;
}

export type AdapterOutput =
  /**
   * An inbound contract event for the pipeline. `reply` is set for Atomia
   * `atomia.debtcollection.send` when the request carried `reply_to`: once the task is stored,
   * the pipeline answers there with `{ "RequestId": "<task id>" }` (see the atomia adapter's
   * `sendReply`). Internal events (`debt_collection.paid_internally`,
   * `debt_collection.cancel_requested`) carry the task's RequestId in `data.requestId`.
   */
  | { kind: 'event'; envelope: Envelope; event: InboundEvent; reply?: ReplyTarget }
  /**
   * An Atomia `atomia.debtcollection.query`: answered from stored state (the task with id
   * `requestId`), never by calling the agency; `replyTo`/`correlationId` say where.
   */
  | {
      kind: 'query';
      envelope: Envelope;
      requestId: string;
      replyTo: string;
      correlationId: string;
    };

export interface AdapterContext {
  /** The configured source name the message arrived for (its inbound queue). */
  source: string;
}

export interface ErpAdapter {
  readonly name: string;
  adapt(message: ErpMessage, context: AdapterContext): AdapterOutput;
}
