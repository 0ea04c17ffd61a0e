/**
 * `invoice.payment_received` while the invoice's debt-collection task is SENT and the payment
 * covers the open amount (gross − what the ERP reported paid or credited before): instead of a
 * plain DIRECTPAYMENT, the pipeline sends DIRECTPAYMENT + WITHDRAW (the
 * `debt_collection.paid_internally` mapping) and cancels the task (PAID_IN_ERP) in the same
 * commit. Wired into the pipeline as its `applyLocal` hook; returns null for everything else, so
 * the normal path applies. A payment that does not cover the open amount stays a DIRECTPAYMENT.
 */
import { Decimal } from 'decimal.js';
import type { Store } from '../../adapters/store/index.ts';
import { createApplier, type StepContext, type StepResult } from '../pipeline/apply-event.ts';
import type { MappingPort } from '../pipeline/mapping-port.ts';
import type { AgencyPort } from '../pipeline/ports.ts';
import { applyTaskEvent } from './task-events.ts';

export interface PaidInErpOptions {
  store: Store;
  agency: AgencyPort;
  mapper: MappingPort;
  reconcileSettleMs: number;
  now: () => Date;
}

export function createPaidInErpHook(options: PaidInErpOptions) {
  const { store } = options;
  const applier = createApplier(options);
  return async function applyLocal(ctx: StepContext): Promise<StepResult | null> {
    if (ctx.event.type !== 'invoice.payment_received') return null;
    const task = await store.getTaskByInvoice(ctx.source, ctx.invoiceNumber);
    if (task?.state !== 'SENT') return null;
    const invoice = await store.getInvoice(ctx.source, ctx.invoiceNumber);
    if (!invoice?.grossAmount) return null;
    const data = ctx.event.data as { amount: string; currency: string; paymentDate: string };
    const open = new Decimal(invoice.grossAmount).minus(invoice.paidAmount);
    if (new Decimal(data.amount).lessThan(open)) return null;
    const derived: StepContext = {
      ...ctx,
      event: {
        type: 'debt_collection.paid_internally',
        data: {
          invoiceNumber: ctx.invoiceNumber,
          requestId: task.id,
          amount: data.amount,
          currency: data.currency,
          paymentDate: data.paymentDate,
        },
      },
    };
    const result = await applyTaskEvent(store, derived, () => applier.applyAction(derived));
    ctx.entry = derived.entry;
    ctx.mapped = derived.mapped;
    if (!result || result.kind !== 'done' || !result.invoice) return result;
    const paidAmount = new Decimal(result.invoice.paidAmount).plus(data.amount).toFixed(2);
    return { ...result, invoice: { ...result.invoice, paidAmount } };
  };
}
