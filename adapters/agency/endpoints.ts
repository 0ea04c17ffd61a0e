/**
 * The agency's endpoints as call specs: method, path and query (spec/agency-api.md §13), whether a
 * repeat is harmless (idempotent), the default priority and the answer reader.
 */
import type { CallSpec } from './call.ts';
import type { CallPriority } from './limiter.ts';
import {
  readCaseDetails,
  readCreateActions,
  readCreateInvoice,
  readDistribution,
  readPayments,
  readRenew,
  readSettlements,
  readValidate,
} from './read-responses.ts';
import type {
  CaseDetails,
  CreateActionsRequest,
  CreateActionsResponse,
  CreateInvoiceRequest,
  DateWindow,
  DistributionQuery,
  DistributionResponse,
  PaymentRecord,
  Settlement,
  SettlementsQuery,
} from './types.ts';

/** Action codes that move money or end a case: they jump the queue. */
const MONEY_ACTIONS: ReadonlySet<string> = new Set(['DIRECTPAYMENT', 'WITHDRAW']);

function withQuery(
  path: string,
  query: Record<string, string | number | boolean | undefined | null>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function createInvoiceSpec(
  body: CreateInvoiceRequest,
  priority?: CallPriority,
): CallSpec<{ invoiceNumber: string; status: string; alreadyExisted: boolean }> {
  const number = String(body.invoice.header.number);
  return {
    method: 'POST',
    endpoint: '/invoice',
    path: '/invoice',
    body,
    // The agency refuses a repeated invoice number with 409, so a repeat cannot double it.
    idempotent: true,
    priority: priority ?? 'create',
    read: (json) => ({ ...readCreateInvoice(json, number), alreadyExisted: false }),
    recover: (kind) =>
      kind === 'conflict'
        ? { invoiceNumber: number, status: 'ALREADY_EXISTS', alreadyExisted: true }
        : undefined,
  };
}

export function createActionsSpec(
  body: CreateActionsRequest,
  priority?: CallPriority,
): CallSpec<CreateActionsResponse> {
  const money = body.actions.some((a) => MONEY_ACTIONS.has(a.code));
  return {
    method: 'POST',
    endpoint: '/invoice/action',
    path: '/invoice/action',
    body,
    idempotent: false,
    priority: priority ?? (money ? 'money' : 'action'),
    read: readCreateActions,
  };
}

export function getCaseSpec(
  q: { caseId: string } | { invoiceNumber: string },
  priority?: CallPriority,
): CallSpec<CaseDetails> {
  const query = 'caseId' in q ? { caseId: q.caseId } : { invoiceNumber: q.invoiceNumber };
  return {
    method: 'GET',
    endpoint: '/invoice/case',
    path: withQuery('/invoice/case', query),
    idempotent: true,
    priority: priority ?? 'action',
    read: readCaseDetails,
  };
}

export function getDistributionSpec(
  q: DistributionQuery,
  priority?: CallPriority,
): CallSpec<DistributionResponse> {
  return {
    method: 'GET',
    endpoint: '/invoice/distribution',
    path: withQuery('/invoice/distribution', {
      fromInvDate: q.fromInvDate,
      toInvDate: q.toInvDate,
      invoiceNumber: q.invoiceNumber,
      fetchType: q.fetchType,
    }),
    idempotent: true,
    priority: priority ?? 'poll',
    read: readDistribution,
  };
}

export function getPaymentsSpec(q: DateWindow, priority?: CallPriority): CallSpec<PaymentRecord[]> {
  return {
    method: 'GET',
    endpoint: '/payments',
    path: withQuery('/payments', { fromDate: q.fromDate, toDate: q.toDate }),
    idempotent: true,
    priority: priority ?? 'poll',
    read: readPayments,
  };
}

export function getSettlementsSpec(
  q: SettlementsQuery,
  priority?: CallPriority,
): CallSpec<Settlement[]> {
  return {
    method: 'GET',
    endpoint: '/settlements',
    path: withQuery('/settlements', {
      fromDate: q.fromDate,
      toDate: q.toDate,
      unfetchedOnly: q.unfetchedOnly === undefined ? undefined : q.unfetchedOnly,
    }),
    // An unfetchedOnly read marks what it returns as fetched: a lost answer is not repeatable.
    idempotent: q.unfetchedOnly !== true,
    priority: priority ?? 'poll',
    read: readSettlements,
  };
}

export function validateSpec(
  priority?: CallPriority,
): CallSpec<{ isValid: boolean; message: string }> {
  return {
    method: 'GET',
    endpoint: '/validate',
    path: '/validate',
    idempotent: true,
    priority: priority ?? 'action',
    read: readValidate,
  };
}

export function renewSpec(priority?: CallPriority): CallSpec<{ newKey: string }> {
  return {
    method: 'GET',
    endpoint: '/renew',
    path: '/renew',
    // A lost answer may carry a key the agency already issued; do not ask twice blindly.
    idempotent: false,
    priority: priority ?? 'action',
    read: readRenew,
  };
}
