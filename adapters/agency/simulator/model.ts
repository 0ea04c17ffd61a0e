/**
 * The simulator's records and their indexes. Everything lives in Maps keyed the way requests
 * look things up (number, case id, date, unsettled allocations, unfetched settlements), so the
 * cost of a request does not grow with the number of invoices.
 */
import type { DistributionMethod } from '../types.ts';

export type DistributionStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'SKIPPED';
export type CaseStatus = 'OPEN' | 'PARTIALLY_PAID' | 'PAID' | 'WITHDRAWN' | 'CLOSED';
export type CaseStage = 'INVOICE' | 'REMINDER' | 'NOTICE' | 'COLLECTION';
export type ActionStatus = 'PENDING' | 'DONE' | 'REJECTED';

export interface InvoiceRec {
  account: Account;
  number: number;
  type: 'INVOICE' | 'CREDIT_NOTE';
  date: string;
  dueDate: string;
  currency: string;
  grossCents: number;
  method: DistributionMethod;
  paymentReference: string | null;
  buyerName: string;
  sellerName: string;
  iban: string;
  bic: string;
  creditedInvoiceNumber: number | null;
  createdAtMs: number;
  /** Why distribution will fail (bad email, no street…), decided at create; null = deliverable. */
  distributionProblem: string | null;
  distributionStatus: DistributionStatus;
  distributedAtMs: number | null;
  distributionDueAtMs: number;
  caseRec: CaseRec | null;
}

export interface CaseEventRec {
  type: string;
  atMs: number;
  comment?: string;
  status?: ActionStatus;
  amountCents?: number;
  reference?: string | null;
  message?: string;
}

export interface CasePaymentRec {
  paymentDate: string;
  amountCents: number;
  reference: string | null;
  source: 'DEBTOR' | 'DIRECT';
  allocationId: number | null;
}

export interface CaseRec {
  caseId: number;
  invoice: InvoiceRec;
  status: CaseStatus;
  stage: CaseStage;
  createdAtMs: number;
  closedAtMs: number | null;
  dueDay: number;
  capitalCents: number;
  costsCents: number;
  /** Interest accrued so far, unrounded cents; the balance shows round(accrued) − reduced. */
  interestAccruedExact: number;
  interestReducedCents: number;
  accruedThroughDay: number;
  interestPercent: number;
  paused: boolean;
  disableCollection: boolean;
  /** Day of the next stage check; stale bucket entries are skipped by comparing with this. */
  nextStageDay: number | null;
  payments: CasePaymentRec[];
  events: CaseEventRec[];
}

export interface ActionRec {
  seq: number;
  account: Account;
  code: string;
  comment: string;
  data: Record<string, unknown>;
  caseRec: CaseRec;
  receivedAtMs: number;
  dueAtMs: number;
  status: ActionStatus;
  appliedAtMs: number | null;
  message: string | null;
  event: CaseEventRec;
}

/** One debtor payment to the agency, allocated to fees, interest and capital. */
export interface PaymentAlloc {
  allocationId: number;
  invoice: InvoiceRec;
  caseRec: CaseRec;
  amountCents: number;
  feesCents: number;
  interestCents: number;
  capitalCents: number;
  paymentDate: string;
  bookingDate: string;
  reference: string | null;
  settlementId: number | null;
}

export interface SettlementAllocRec {
  allocationId: number;
  invoice: InvoiceRec;
  caseId: number;
  totalCents: number;
  capitalCents: number;
  interestCents: number;
  feesCents: number;
  allocationDate: string;
  originalPaymentReference: string;
}

export interface SettlementRec {
  settlementId: number;
  account: Account;
  settlementDate: string;
  createdAtMs: number;
  currency: string;
  amountCents: number;
  remittanceReference: string;
  beneficiary: { name: string; iban: string; bic: string };
  allocations: SettlementAllocRec[];
  apiFetchAtMs: number | null;
}

/** One client account of the agency: the configured key, and keys renewed from it. */
export interface Account {
  id: string;
  invoices: Map<number, InvoiceRec>;
  invoicesByDate: Map<string, InvoiceRec[]>;
  paymentsByDate: Map<string, PaymentAlloc[]>;
  paymentCount: number;
  unsettled: Map<number, PaymentAlloc>;
  /** In creation order, which is also settlement-date order (the clock only moves forward). */
  settlements: SettlementRec[];
  unfetched: Set<SettlementRec>;
  actions: ActionRec[];
}

export interface SimState {
  accounts: Account[];
  accountsByKey: Map<string, Account>;
  casesById: Map<number, CaseRec>;
  nextCaseId: number;
  nextAllocationId: number;
  nextActionSeq: number;
  settlementSeqByDate: Map<string, number>;
  renewCount: number;
}

export function createAccount(id: string): Account {
  return {
    id,
    invoices: new Map(),
    invoicesByDate: new Map(),
    paymentsByDate: new Map(),
    paymentCount: 0,
    unsettled: new Map(),
    settlements: [],
    unfetched: new Set(),
    actions: [],
  };
}

/** Fresh state: one account per configured key (`acct-1`, `acct-2`, …). */
export function createSimState(apiKeys: readonly string[]): SimState {
  const accounts = apiKeys.map((_, i) => createAccount(`acct-${i + 1}`));
  const accountsByKey = new Map<string, Account>();
  apiKeys.forEach((key, i) => accountsByKey.set(key, accounts[i]!));
  return {
    accounts,
    accountsByKey,
    casesById: new Map(),
    nextCaseId: 480_001,
    nextAllocationId: 9_001_001,
    nextActionSeq: 1,
    settlementSeqByDate: new Map(),
    renewCount: 0,
  };
}

/** Appends to a list kept in a Map under `key`. */
export function pushIndexed<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
