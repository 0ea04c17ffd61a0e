/**
 * What one fetched settlement becomes: `settlement.received` for each source with allocations in
 * it (with `discrepancy` when the figures do not add up), `invoice.settled` per allocation whose
 * breakdown adds up, and for a settlement that does not add up an operator-visible dead letter
 * (reason `settlement_discrepancy`) plus its copy on the dead-letter exchange. Allocations of an
 * invoice with a SENT debt-collection task are recorded on the task (the scheduler decides
 * COLLECTED). Ids come from the settlement and allocation ids: a re-read sends nothing new.
 */
import { Decimal } from 'decimal.js';
import type { Settlement, SettlementAllocation } from '../../adapters/agency/index.ts';
import type {
  DebtCollectionTask,
  InvoiceRecord,
  OutboxRow,
  StoreChanges,
} from '../../adapters/store/index.ts';
import { brokerNames } from '../broker-names.ts';
import { recordSettled } from '../debt-collection/collected.ts';
import { deadLetter, deadLetterCopyRow } from '../pipeline/results.ts';
import { adapterOf, newsRow, ownerOf, type Owner } from './poll-support.ts';
import type { PollerDeps } from './types.ts';

export const SETTLEMENT_DISCREPANCY = 'settlement_discrepancy';

export function allocationAddsUp(a: SettlementAllocation): boolean {
  const parts = a.breakdown
    .filter((b) => ['CAPITAL', 'INTEREST', 'FEES'].includes(b.type.toUpperCase()))
    .reduce((sum, b) => sum.plus(b.amount), new Decimal(0));
  const all = a.breakdown.reduce((sum, b) => sum.plus(b.amount), new Decimal(0));
  return parts.equals(a.allocatedTotalAmount) && all.equals(a.allocatedTotalAmount);
}

export interface SettlementRows {
  changes: StoreChanges;
  outbox: OutboxRow[];
  discrepancy: string | null;
  events: number;
}

export async function settlementRows(
  deps: PollerDeps,
  settlement: Settlement,
  now: Date,
  /** Tasks changed earlier in the same commit, by id (updated here). */
  pendingTasks: Map<string, DebtCollectionTask> = new Map(),
): Promise<SettlementRows> {
  const { store, config } = deps;
  const nowIso = now.toISOString();
  const owners: Owner[] = [];
  for (const a of settlement.allocations) {
    owners.push(await ownerOf(store, config, a.originalInvoiceNumber, a.caseId));
  }
  const sources = [...new Set(owners.map((o) => o.source))];
  if (sources.length === 0) sources.push(Object.keys(config.sources)[0] ?? 'default');
  const outbox: OutboxRow[] = [];
  let discrepancy: string | null = null;
  for (const source of sources) {
    const data = await deps.mapper.mapOutbound(adapterOf(config, source), 'settlement.received', {
      settlement,
    });
    if (!data) continue;
    if (typeof data.discrepancy === 'string') discrepancy = data.discrepancy;
    else delete data.discrepancy;
    outbox.push(
      newsRow(config, now, source, 'settlement.received', data, null, [settlement.settlementId]),
    );
  }
  const invoices: InvoiceRecord[] = [];
  for (const [i, allocation] of settlement.allocations.entries()) {
    const owner = owners[i] as Owner;
    if (!allocationAddsUp(allocation)) continue;
    const data = await deps.mapper.mapOutbound(adapterOf(config, owner.source), 'invoice.settled', {
      settlement,
      allocation,
    });
    if (data) {
      outbox.push(
        newsRow(
          config,
          now,
          owner.source,
          'invoice.settled',
          data,
          allocation.originalInvoiceNumber,
          [settlement.settlementId, allocation.allocationId],
        ),
      );
    }
    if (!owner.invoice) continue;
    invoices.push({ ...owner.invoice, lastActivityAt: nowIso, updatedAt: nowIso });
    const stored = await store.getTaskByInvoice(owner.source, allocation.originalInvoiceNumber);
    const task = stored ? (pendingTasks.get(stored.id) ?? stored) : null;
    if (task?.state === 'SENT') {
      pendingTasks.set(task.id, recordSettled(task, settlement, allocation, nowIso));
    }
  }
  const changes: StoreChanges = { tasks: [...pendingTasks.values()], invoices };
  if (discrepancy) {
    const source = sources[0] ?? 'default';
    const letter = deadLetter({
      source,
      messageId: `settlement:${settlement.settlementId}`,
      type: 'settlement.received',
      invoiceNumber: null,
      reason: SETTLEMENT_DISCREPANCY,
      detail: `settlement ${settlement.settlementId}: ${discrepancy}`,
      errorClass: 'SettlementDiscrepancy',
      original: JSON.stringify(settlement),
      routingKey: `${source}.settlement.received`,
      mappedRequest: null,
      agencyAnswers: [],
      attempts: 1,
      firstSeenAt: nowIso,
      now: new Date(0),
    });
    const stamped = { ...letter, deadAt: nowIso };
    changes.deadLetters = [stamped];
    outbox.push(deadLetterCopyRow(stamped, brokerNames(config).deadLetterExchange, now));
  }
  const events = outbox.filter((r) => r.exchange === config.broker.outboundExchange).length;
  return { changes, outbox, discrepancy, events };
}
