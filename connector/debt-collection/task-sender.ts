/**
 * Sends APPROVED tasks to the agency, at most `debtCollection.approvedItemsPerRun` per source and
 * run (0 = no limit), oldest first. "Sending" means the agency holds the invoice under payment
 * control: an invoice it already has needs no call; otherwise the invoice the request carried is
 * created (`invoice.created` mapping; a 409 means it already exists, so a resend after a crash is
 * safe). Then the task is SENT (+ `debt_collection.credit_requested` when the invoice is to be
 * credited), committed with the invoice record. A task with neither waits; a create the agency
 * refuses cancels the task (REJECTED_BY_AGENCY).
 */
import { Decimal } from 'decimal.js';
import type { DebtCollectionTask, InvoiceRecord, OutboxRow } from '../../adapters/store/index.ts';
import { taskRow } from './task-rows.ts';
import { isAgencyErrorKind, type TaskRunSummary, type TaskServiceOptions } from './task-deps.ts';
import { transition } from './task-events.ts';

function invoiceRecord(
  task: DebtCollectionTask,
  doc: Record<string, unknown>,
  at: string,
): InvoiceRecord {
  const totals = (doc.totals ?? {}) as Record<string, unknown>;
  const gross =
    typeof totals.gross === 'string' || typeof totals.gross === 'number' ? totals.gross : null;
  return {
    source: task.source,
    invoiceNumber: task.invoiceNumber,
    status: 'CREATED',
    caseId: null,
    currency: typeof doc.currency === 'string' ? doc.currency : null,
    grossAmount: gross === null ? null : new Decimal(gross).toFixed(2),
    paidAmount: '0.00',
    dueDate: typeof doc.dueDate === 'string' ? doc.dueDate : null,
    distributionStatus: null,
    caseStatus: null,
    caseStage: null,
    balanceTotal: null,
    document: doc,
    closed: false,
    lastCheckedAt: null,
    lastActivityAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

export async function sendApproved(
  options: TaskServiceOptions,
  summary: TaskRunSummary,
): Promise<OutboxRow[]> {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  const published: OutboxRow[] = [];
  for (const [source, sourceConfig] of Object.entries(config.sources)) {
    const limit = sourceConfig.debtCollection.approvedItemsPerRun;
    const approved = await store.listTasks({
      source,
      state: 'APPROVED',
      ...(limit > 0 ? { limit } : {}),
    });
    for (const task of approved) {
      if (options.signal?.aborted) return published;
      const at = now();
      const atIso = at.toISOString();
      let invoice = await store.getInvoice(source, task.invoiceNumber);
      const doc = task.document as Record<string, unknown> | null | undefined;
      if (invoice?.status !== 'CREATED') {
        if (!doc) {
          summary.waiting += 1;
          continue;
        }
        try {
          const mapped = await options.mapper.map(sourceConfig.adapter, 'invoice.created', {
            event: {
              id: `${task.id}:send`,
              type: 'invoice.created',
              time: atIso,
              subject: task.invoiceNumber,
              data: doc,
            },
            source: { name: source, ...sourceConfig },
            invoice: null,
            original: null,
          });
          if (mapped.request !== 'createInvoice') throw new Error(`${mapped.file}: not a create`);
          summary.calls += 1;
          await options.agency.createInvoice(mapped.body, {
            priority: 'create',
            ...signal(options),
          });
          invoice = invoiceRecord(task, doc, atIso);
        } catch (err) {
          if (!isAgencyErrorKind(err, 'permanent') && !isMappingError(err)) {
            summary.failed += 1;
            options.logger.warn(
              { err, taskId: task.id },
              'debt-collection send failed; retried next run',
            );
            continue;
          }
          const cancelled = transition(
            task,
            'CANCELLED',
            'the agency refused the invoice',
            'REJECTED_BY_AGENCY',
            atIso,
          );
          const rows = [taskRow(config, at, cancelled)];
          await store.commit({ tasks: [cancelled], outbox: rows });
          published.push(...rows);
          summary.cancelled += 1;
          continue;
        }
      }
      const sent: DebtCollectionTask = {
        ...transition(task, 'SENT', 'sent to the agency', null, atIso),
        sentAt: atIso,
      };
      const rows = [taskRow(config, at, sent)];
      if (sent.creditInvoice)
        rows.push(taskRow(config, at, sent, 'debt_collection.credit_requested'));
      await store.commit({ tasks: [sent], outbox: rows, invoices: invoice ? [invoice] : [] });
      published.push(...rows);
      summary.sent += 1;
    }
  }
  return published;
}

function isMappingError(err: unknown): boolean {
  return err instanceof Error && err.name === 'MappingError';
}

function signal(options: TaskServiceOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
