/**
 * What the pipeline needs from the outside, as narrow interfaces. The real adapters (RabbitMQ
 * broker, agency client, store) satisfy them structurally; tests pass fakes.
 */
import type {
  CaseDetails,
  CreateActionsRequest,
  CreateActionsResponse,
  CreateInvoiceRequest,
} from '../../adapters/agency/index.ts';
import type { AgencyAnswer } from '../../adapters/store/index.ts';

export interface PublishOptions {
  messageId: string;
  headers?: Record<string, string | number>;
  correlationId?: string;
}

export interface Publisher {
  /** Resolves only on the broker's confirm; rejects on nack, return (unroutable) or close. */
  publish(
    exchange: string,
    routingKey: string,
    body: string,
    options: PublishOptions,
  ): Promise<void>;
  sendToQueue(queue: string, body: string, options: PublishOptions): Promise<void>;
}

/** One inbound delivery, as the transport hands it over. */
export interface InboundDelivery {
  body: Buffer;
  routingKey: string;
  messageId: string | undefined;
  replyTo: string | undefined;
  correlationId: string | undefined;
  headers: Record<string, unknown>;
  redelivered: boolean;
  ack(): void;
  nack(options: { requeue: boolean }): void;
}

export interface AgencyCallOptions {
  signal?: AbortSignal;
  priority?: 'money' | 'create' | 'action' | 'poll';
  onAnswer?: (answer: AgencyAnswer) => void;
}

export interface AgencyPort {
  createInvoice(
    body: CreateInvoiceRequest,
    options?: AgencyCallOptions,
  ): Promise<{ invoiceNumber: string; status: string; alreadyExisted: boolean }>;
  createActions(
    body: CreateActionsRequest,
    options?: AgencyCallOptions,
  ): Promise<CreateActionsResponse>;
  getCase(
    query: { caseId: string } | { invoiceNumber: string },
    options?: AgencyCallOptions,
  ): Promise<CaseDetails>;
}

export interface Clock {
  now(): Date;
}
