/**
 * Shapes of the simulator's answers as parsed JSON (money as numbers). `SimStateView` uses them
 * too, so a test reads the state the way a client reads the API.
 */

export interface WireCaseEvent {
  type: string;
  at: string;
  comment: string | null;
  status: string | null;
  amount: number | null;
  reference: string | null;
  message?: string;
}

export interface WireCase {
  summary: {
    caseId: number;
    invoiceNumber: number;
    status: string;
    stage: string;
    createdAt: string;
    closedAt: string | null;
    activeDays: number;
    creditor: string;
    currency: string;
    agency: string;
    dueDate: string;
    paused: boolean;
  };
  balance: {
    capitalAmount: number;
    interestAmount: number;
    costsAmount: number;
    totalAmount: number;
  };
  payments: {
    paymentDate: string;
    amount: number;
    reference: string | null;
    source: string;
    allocationId: number | null;
  }[];
  events: WireCaseEvent[];
}

export interface WirePayment {
  caseId: number;
  invoiceNumber: string;
  invoicePaymentReference: string | null;
  originalPaymentReference: string | null;
  accountName: string;
  bookingDate: string;
  paymentDate: string;
  amount: number;
  currency: string;
  allocationId: number;
}

export interface WireSettlement {
  settlementId: number;
  settlementDate: string;
  agency: string;
  remittanceReference: string;
  beneficiary: { name: string; iban: string; bic: string };
  settlementAmount: number;
  currency: string;
  apiFetchDate: string | null;
  allocations: {
    allocationId: number;
    allocatedTotalAmount: number;
    allocationDate: string;
    currency: string;
    caseId: number | null;
    originalInvoiceNumber: string;
    originalPaymentReference: string;
    breakdown: { type: 'CAPITAL' | 'INTEREST' | 'FEES'; amount: number }[];
  }[];
}

export interface WireDistribution {
  invoiceNumber: number;
  caseId: number | null;
  method: string;
  status: string;
  distributedAt: string | null;
  errorMessage: string | null;
  invoiceDate: string;
  paymentControlStatus: string | null;
}
