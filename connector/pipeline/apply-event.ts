/**
 * Applies one validated inbound event at the agency: maps it, marks the work item IN_FLIGHT
 * (committed before the call), calls the agency, and returns what to commit. Ambiguous earlier
 * attempts (IN_FLIGHT or UNKNOWN found on arrival) are reconciled first: a create is re-sent (the
 * agency answers 409 for a number it has), an action is looked up in the case's events by the
 * `[erp:<event id>]` marker of its comment and sent again only when it is not there.
 */
import { Decimal } from 'decimal.js';
import type {
  AgencyAnswer,
  InboxEntry,
  InvoiceRecord,
  OutboxRow,
  Store,
  StoreChanges,
} from '../../adapters/store/index.ts';
import type { SourceConfig } from '../../config/index.ts';
import type { InboundEvent } from '../contract/index.ts';
import { isAgencyError } from './outcome.ts';
import { erpMarker, type MappedRequest, type MappingPort } from './mapping-port.ts';
import type { AgencyPort } from './ports.ts';
import { ACTION_CODE_BY_TYPE, resultRow, type ResultTarget } from './results.ts';

export interface StepContext {
  source: string;
  sourceConfig: SourceConfig;
  adapter: string;
  envelope: { id: string; type: string; time?: string | undefined; subject?: string | undefined };
  event: InboundEvent;
  invoiceNumber: string;
  entry: InboxEntry;
  answers: AgencyAnswer[];
  mapped: MappedRequest | null;
  target: ResultTarget;
}

export type StepResult =
  | {
      kind: 'done';
      outcome: string;
      invoice: InvoiceRecord | null;
      results: OutboxRow[];
      /** Further rows to commit with the result (e.g. a debt-collection task). */
      extra?: Pick<StoreChanges, 'tasks' | 'audit'>;
    }
  | { kind: 'park'; reason: string; invoice: InvoiceRecord | null };

/** Park reason of an action whose invoice the agency has not accepted yet. */
export const PARKED_INVOICE_UNKNOWN = 'invoice not yet accepted by the agency';

/** Raised when an earlier attempt's outcome cannot be settled yet (reconcile later). */
export class ReconcilePendingError extends Error {
  override readonly name = 'AgencyError';
  readonly kind = 'ambiguous';
  readonly reconcilePending = true;
  readonly status = null;
  readonly retryAfterMs: number;
  readonly agencyMessage = null;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface ApplyDeps {
  store: Store;
  agency: AgencyPort;
  mapper: MappingPort;
  reconcileSettleMs: number;
  now: () => Date;
}

function money(value: unknown): string {
  return new Decimal(typeof value === 'string' || typeof value === 'number' ? value : '0').toFixed(
    2,
  );
}

export function newInvoiceRecord(ctx: StepContext, data: Record<string, unknown>): InvoiceRecord {
  const now = ctx.target.now.toISOString();
  const totals = (data.totals ?? {}) as Record<string, unknown>;
  return {
    source: ctx.source,
    invoiceNumber: ctx.invoiceNumber,
    status: 'CREATED',
    caseId: null,
    currency: typeof data.currency === 'string' ? data.currency : null,
    grossAmount: totals.gross === undefined ? null : money(totals.gross),
    paidAmount: '0.00',
    dueDate: typeof data.dueDate === 'string' ? data.dueDate : null,
    distributionStatus: null,
    caseStatus: null,
    caseStage: null,
    balanceTotal: null,
    document: data,
    closed: false,
    lastCheckedAt: null,
    lastActivityAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

export function createApplier(deps: ApplyDeps) {
  const { store, agency, mapper } = deps;

  async function inFlight(ctx: StepContext): Promise<void> {
    const now = deps.now().toISOString();
    ctx.entry = {
      ...ctx.entry,
      state: 'IN_FLIGHT',
      attempts: ctx.entry.attempts + 1,
      attemptStartedAt: now,
      updatedAt: now,
    };
    await store.commit({ inbox: [ctx.entry] });
  }

  function callOptions(ctx: StepContext, priority: 'money' | 'create' | 'action' | 'poll') {
    return { priority, onAnswer: (a: AgencyAnswer) => ctx.answers.push(a) };
  }

  async function mapEvent(ctx: StepContext, invoice: InvoiceRecord | null): Promise<MappedRequest> {
    const mapped = await mapper.map(ctx.adapter, ctx.event.type, {
      event: {
        id: ctx.envelope.id,
        type: ctx.event.type,
        time: ctx.envelope.time ?? null,
        subject: ctx.envelope.subject ?? null,
        data: ctx.event.data,
      },
      source: { name: ctx.source, ...ctx.sourceConfig },
      invoice,
      original: invoice?.document ?? null,
    });
    ctx.mapped = mapped;
    return mapped;
  }

  async function applyCreate(ctx: StepContext): Promise<StepResult> {
    const data = ctx.event.data as Record<string, unknown>;
    const existing = await store.getInvoice(ctx.source, ctx.invoiceNumber);
    const mapped = await mapEvent(ctx, existing);
    if (mapped.request !== 'createInvoice')
      throw new Error(`${mapped.file} must produce createInvoice`);
    let alreadyExisted = existing?.status === 'CREATED';
    if (!alreadyExisted) {
      // No IN_FLIGHT mark: a create is safe to send again (the agency answers 409 for a number
      // it has), so a lost answer needs no reconcile, and the commit it would cost is saved.
      const answer = await agency.createInvoice(mapped.body, callOptions(ctx, 'create'));
      alreadyExisted = answer.alreadyExisted;
    }
    const invoice = existing?.status === 'CREATED' ? existing : newInvoiceRecord(ctx, data);
    const result = resultRow(
      ctx.target,
      'invoice.accepted',
      {
        invoiceNumber: ctx.invoiceNumber,
        acceptedAt: ctx.target.now.toISOString(),
        caseId: invoice.caseId,
        alreadyExisted,
      },
      { inboundId: ctx.envelope.id, invoiceNumber: ctx.invoiceNumber },
    );
    return {
      kind: 'done',
      outcome: alreadyExisted ? 'accepted (already existed)' : 'accepted',
      invoice,
      results: [result],
    };
  }

  /** Finds the case id of a created invoice; null when the agency has no case for it yet. */
  async function resolveCase(
    ctx: StepContext,
    invoice: InvoiceRecord,
  ): Promise<InvoiceRecord | null> {
    if (invoice.caseId) return invoice;
    try {
      const found = await agency.getCase(
        { invoiceNumber: ctx.invoiceNumber },
        callOptions(ctx, 'action'),
      );
      return { ...invoice, caseId: found.caseId, updatedAt: deps.now().toISOString() };
    } catch (err) {
      if (isAgencyError(err) && err.kind === 'not_found') return null;
      throw err;
    }
  }

  /** True when an earlier attempt of this action reached the agency (its marker is in the case). */
  async function actionAlreadyApplied(ctx: StepContext, caseId: string): Promise<boolean> {
    const found = await agency.getCase({ caseId }, callOptions(ctx, 'action'));
    const marker = erpMarker(ctx.envelope.id);
    if (found.events.some((e) => e.comment?.includes(marker))) return true;
    const started = Date.parse(ctx.entry.attemptStartedAt ?? '');
    const settleLeftMs = started + deps.reconcileSettleMs - deps.now().getTime();
    if (Number.isFinite(started) && settleLeftMs > 0) {
      throw new ReconcilePendingError(
        'earlier attempt not visible at the agency yet',
        settleLeftMs,
      );
    }
    return false;
  }

  function adjustInvoice(ctx: StepContext, invoice: InvoiceRecord): InvoiceRecord {
    const data = ctx.event.data as Record<string, unknown>;
    const now = deps.now().toISOString();
    let paidAmount = invoice.paidAmount;
    if (ctx.event.type === 'invoice.payment_received' || ctx.event.type === 'invoice.credited') {
      paidAmount = new Decimal(paidAmount).plus(money(data.amount)).toFixed(2);
    }
    const dueDate =
      ctx.event.type === 'invoice.due_date_extended' && typeof data.dueDate === 'string'
        ? data.dueDate
        : invoice.dueDate;
    return { ...invoice, paidAmount, dueDate, lastActivityAt: now, updatedAt: now };
  }

  async function applyAction(ctx: StepContext): Promise<StepResult> {
    const stored = await store.getInvoice(ctx.source, ctx.invoiceNumber);
    if (!stored || stored.status !== 'CREATED') {
      return { kind: 'park', reason: PARKED_INVOICE_UNKNOWN, invoice: null };
    }
    const invoice = await resolveCase(ctx, stored);
    if (!invoice)
      return { kind: 'park', reason: 'agency has no case for the invoice yet', invoice: null };
    const mapped = await mapEvent(ctx, invoice);
    const ambiguousBefore = ctx.entry.state === 'IN_FLIGHT' || ctx.entry.state === 'UNKNOWN';
    let outcome = 'accepted';
    if (mapped.request === 'createActions') {
      const applied = ambiguousBefore && (await actionAlreadyApplied(ctx, invoice.caseId ?? ''));
      if (applied) {
        outcome = 'accepted (reconciled: the agency had applied it)';
      } else {
        await inFlight(ctx);
        const money = mapped.body.actions.some(
          (a) => a.code === 'DIRECTPAYMENT' || a.code === 'WITHDRAW',
        );
        await agency.createActions(mapped.body, callOptions(ctx, money ? 'money' : 'action'));
      }
    } else {
      await inFlight(ctx);
      await agency.createInvoice(mapped.body, callOptions(ctx, 'money'));
    }
    const codes =
      mapped.request === 'createActions'
        ? mapped.body.actions.map((a) => a.code).join(',')
        : 'CREDIT_NOTE';
    const result = resultRow(
      ctx.target,
      'action.accepted',
      {
        invoiceNumber: ctx.invoiceNumber,
        caseId: invoice.caseId,
        code: codes || (ACTION_CODE_BY_TYPE[ctx.event.type] ?? ctx.event.type),
      },
      { inboundId: ctx.envelope.id, invoiceNumber: ctx.invoiceNumber },
    );
    return { kind: 'done', outcome, invoice: adjustInvoice(ctx, invoice), results: [result] };
  }

  return { applyCreate, applyAction, resolveCase };
}

export type Applier = ReturnType<typeof createApplier>;
