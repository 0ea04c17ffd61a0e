/**
 * The events a task transition publishes (`debt_collection.<state>`, contract §6) with
 * deterministic ids (task id, state, transition number): a scheduler run that is repeated after a
 * crash writes the same messages again, which the outbox and the ERP treat as one.
 */
import type { DebtCollectionTask, OutboxRow } from '../../adapters/store/index.ts';
import type { ConnectorConfig } from '../../config/index.ts';
import { resultRow } from '../pipeline/results.ts';
import { stateEventType } from './request-task.ts';

export function taskRow(
  config: ConnectorConfig,
  now: Date,
  task: DebtCollectionTask,
  type: string = stateEventType(task.state),
  extra: Record<string, unknown> = {},
): OutboxRow {
  return resultRow(
    { source: task.source, exchange: config.broker.outboundExchange, now },
    type,
    {
      invoiceNumber: task.invoiceNumber,
      requestId: task.id,
      state: task.state,
      ...(task.reason ? { reason: task.reason } : {}),
      at: task.updatedAt,
      ...extra,
    },
    {
      inboundId: null,
      invoiceNumber: task.invoiceNumber,
      idParts: [task.source, task.id, type, String(task.transitions.length)],
    },
  );
}

/** `debt_collection.collected` with what Atomia needs to book the collection payment. */
export function collectedRow(
  config: ConnectorConfig,
  now: Date,
  task: DebtCollectionTask,
  currency: string | null,
): OutboxRow {
  const result = task.result ?? {};
  return taskRow(config, now, task, 'debt_collection.collected', {
    collectedAmount: result.collectedAmount ?? '0.00',
    ...(currency ? { currency } : {}),
    documentId: result.documentId ?? task.id,
    paymentDate: result.paymentDate ?? task.updatedAt.slice(0, 10),
    credited: result.credited ?? task.creditInvoice,
  });
}
