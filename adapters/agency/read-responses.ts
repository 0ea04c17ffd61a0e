/**
 * Readers for the agency's answers: lenient where the documentation is loose (ids integer or
 * string, amounts as numbers, settlement `breakdown` or the older `events`, unknown fields
 * ignored), strict where the connector relies on a field (a settlement without `settlementId`, an
 * allocation without an amount). A failed read throws ResponseShapeError naming the paths.
 */
import { z } from 'zod';
import type {
  CaseDetails,
  CreateActionsResponse,
  DistributionResponse,
  PaymentRecord,
  Settlement,
} from './types.ts';
import {
  count,
  date,
  dateOrNull,
  describeIssues,
  flag,
  id,
  idOrNull,
  money,
  moneyOrNull,
  text,
  textOrNull,
} from './read-values.ts';

export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

function read<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ResponseShapeError(`unexpected ${what}: ${describeIssues(result.error)}`);
  return result.data;
}

// --- create invoice / actions ------------------------------------------------------------------

const createInvoiceSchema = z.object({ invoiceNumber: idOrNull, status: textOrNull }).nullish();

/** 2xx on create: the invoice exists. Missing fields fall back to the request's number. */
export function readCreateInvoice(
  json: unknown,
  requestedNumber: string,
): { invoiceNumber: string; status: string } {
  const body = read(createInvoiceSchema, json, 'create-invoice answer');
  return {
    invoiceNumber: body?.invoiceNumber ?? requestedNumber,
    status: body?.status ?? 'ACCEPTED',
  };
}

const createActionsSchema = z.object({
  accepted: count.optional(),
  actions: z.array(z.object({ code: text, status: text })).optional(),
});

export function readCreateActions(json: unknown): CreateActionsResponse {
  const body = read(createActionsSchema, json, 'create-actions answer');
  const actions = body.actions ?? [];
  return { accepted: body.accepted ?? actions.length, actions };
}

// --- case details --------------------------------------------------------------------------------

const caseEventSchema = z.object({
  type: textOrNull,
  code: textOrNull,
  at: textOrNull,
  date: textOrNull,
  timestamp: textOrNull,
  createdAt: textOrNull,
  comment: textOrNull,
  status: textOrNull,
  amount: moneyOrNull,
  reference: textOrNull,
});

const casePaymentSchema = z.object({
  paymentDate: date,
  amount: money,
  reference: textOrNull,
  source: textOrNull,
});

const caseSchema = z.object({
  case: z.object({
    summary: z.object({
      caseId: id,
      invoiceNumber: idOrNull,
      status: textOrNull,
      stage: textOrNull,
      createdAt: textOrNull,
      closedAt: textOrNull,
      dueDate: dateOrNull,
      currency: textOrNull,
    }),
    invoice: z.object({ invoiceNumber: idOrNull, number: idOrNull, dueDate: dateOrNull }).nullish(),
    balance: z
      .object({
        capitalAmount: moneyOrNull,
        interestAmount: moneyOrNull,
        costsAmount: moneyOrNull,
        totalAmount: moneyOrNull,
      })
      .nullish(),
    payments: z.array(casePaymentSchema).nullish(),
    events: z.array(caseEventSchema).nullish(),
  }),
});

function addMoney(...values: string[]): string {
  // Exact: amounts are 2-decimal strings, so cents fit a safe integer.
  const cents = values.reduce((sum, v) => sum + BigInt(v.replace('.', '')), 0n);
  const sign = cents < 0n ? '-' : '';
  const abs = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

export function readCaseDetails(json: unknown): CaseDetails {
  const { case: c } = read(caseSchema, json, 'case details');
  const capital = c.balance?.capitalAmount ?? '0.00';
  const interest = c.balance?.interestAmount ?? '0.00';
  const costs = c.balance?.costsAmount ?? '0.00';
  return {
    caseId: c.summary.caseId,
    invoiceNumber: c.summary.invoiceNumber ?? c.invoice?.invoiceNumber ?? c.invoice?.number ?? null,
    status: c.summary.status ?? 'UNKNOWN',
    stage: c.summary.stage ?? 'UNKNOWN',
    createdAt: c.summary.createdAt,
    closedAt: c.summary.closedAt,
    dueDate: c.summary.dueDate ?? c.invoice?.dueDate ?? null,
    currency: c.summary.currency,
    balance: {
      capital,
      interest,
      costs,
      total: c.balance?.totalAmount ?? addMoney(capital, interest, costs),
    },
    payments: (c.payments ?? []).map((p) => ({
      paymentDate: p.paymentDate,
      amount: p.amount,
      reference: p.reference,
      source: p.source,
    })),
    events: (c.events ?? []).map((e) => ({
      type: e.type ?? e.code ?? 'UNKNOWN',
      at: e.at ?? e.date ?? e.timestamp ?? e.createdAt ?? '',
      comment: e.comment,
      status: e.status,
      amount: e.amount,
      reference: e.reference,
    })),
  };
}

// --- distribution --------------------------------------------------------------------------------

const distributionSchema = z.object({
  metaData: z
    .object({
      totalCount: count.optional(),
      successfulCount: count.optional(),
      failedCount: count.optional(),
    })
    .nullish(),
  distributions: z
    .array(
      z.object({
        invoiceNumber: id,
        caseId: idOrNull,
        method: textOrNull,
        status: text,
        distributedAt: textOrNull,
        errorMessage: textOrNull,
      }),
    )
    .nullish(),
});

export function readDistribution(json: unknown): DistributionResponse {
  const body = read(distributionSchema, json, 'distribution answer');
  const distributions = body.distributions ?? [];
  const failed = distributions.filter(
    (d) => d.errorMessage !== null || /FAIL/i.test(d.status),
  ).length;
  return {
    metaData: {
      totalCount: body.metaData?.totalCount ?? distributions.length,
      successfulCount: body.metaData?.successfulCount ?? distributions.length - failed,
      failedCount: body.metaData?.failedCount ?? failed,
    },
    distributions,
  };
}

// --- payments ------------------------------------------------------------------------------------

const paymentSchema = z.object({
  caseId: idOrNull,
  invoiceNumber: id,
  invoicePaymentReference: textOrNull,
  originalPaymentReference: textOrNull,
  bookingDate: textOrNull,
  paymentDate: text,
  amount: money,
  currency: text,
  allocationId: idOrNull,
});

// Documented as a bare array; a `{ payments: [...] }` wrapper is accepted too.
const paymentsSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as { payments?: unknown }).payments
      : value,
  z.array(paymentSchema),
);

export function readPayments(json: unknown): PaymentRecord[] {
  return read(paymentsSchema, json, 'payments answer');
}

// --- settlements ---------------------------------------------------------------------------------

const breakdownSchema = z.array(z.object({ type: text, amount: money }));

const allocationSchema = z.object({
  allocationId: id,
  allocatedTotalAmount: money,
  allocationDate: dateOrNull,
  currency: textOrNull,
  caseId: idOrNull,
  originalInvoiceNumber: id,
  originalPaymentReference: textOrNull,
  breakdown: breakdownSchema.nullish(),
  events: breakdownSchema.nullish(),
});

const settlementSchema = z.object({
  settlementId: id,
  settlementDate: date,
  agency: textOrNull,
  remittanceReference: textOrNull,
  settlementAmount: money,
  currency: text,
  apiFetchDate: textOrNull,
  allocations: z.array(allocationSchema).nullish(),
});

// Documented as `{ createdAt, settlements: [...] }`; a bare array is accepted too.
const settlementsSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { settlements: value } : value),
  z.object({ settlements: z.array(settlementSchema) }),
);

export function readSettlements(json: unknown): Settlement[] {
  const { settlements } = read(settlementsSchema, json, 'settlements answer');
  return settlements.map((s) => ({
    settlementId: s.settlementId,
    settlementDate: s.settlementDate,
    agency: s.agency,
    remittanceReference: s.remittanceReference,
    settlementAmount: s.settlementAmount,
    currency: s.currency,
    apiFetchDate: s.apiFetchDate,
    allocations: (s.allocations ?? []).map((a) => ({
      allocationId: a.allocationId,
      allocatedTotalAmount: a.allocatedTotalAmount,
      allocationDate: a.allocationDate,
      currency: a.currency ?? s.currency,
      caseId: a.caseId,
      originalInvoiceNumber: a.originalInvoiceNumber,
      originalPaymentReference:
        a.originalPaymentReference === '' ? null : a.originalPaymentReference,
      breakdown: a.breakdown ?? a.events ?? [],
    })),
  }));
}

// --- token ---------------------------------------------------------------------------------------

const validateSchema = z.object({ isValid: flag, message: textOrNull });

export function readValidate(json: unknown): { isValid: boolean; message: string } {
  const body = read(validateSchema, json, 'validate answer');
  return { isValid: body.isValid, message: body.message ?? '' };
}

// The documented answer is `{ "Message": "<new key>" }` (capital M); `message` is accepted too.
const renewSchema = z.object({ Message: textOrNull, message: textOrNull, newKey: textOrNull });

export function readRenew(json: unknown): { newKey: string } {
  const body = read(renewSchema, json, 'renew answer');
  const newKey = (body.newKey ?? body.Message ?? body.message ?? '').trim();
  if (newKey === '') throw new ResponseShapeError('unexpected renew answer: no new key');
  return { newKey };
}

// --- error bodies --------------------------------------------------------------------------------

const errorBodySchema = z.object({
  message: textOrNull,
  Message: textOrNull,
  errors: z.array(z.object({ field: textOrNull, message: textOrNull })).nullish(),
});

/** The agency's `{ message, errors }`, or nulls when the body is something else. */
export function readErrorBody(json: unknown): {
  message: string | null;
  errors: { field: string; message: string }[];
} {
  const result = errorBodySchema.safeParse(json);
  if (!result.success) return { message: null, errors: [] };
  return {
    message: result.data.message ?? result.data.Message,
    errors: (result.data.errors ?? []).map((e) => ({
      field: e.field ?? '',
      message: e.message ?? '',
    })),
  };
}
