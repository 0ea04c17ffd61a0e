/**
 * Request and response shapes of the agency's partner API (CFIS), from `docs/agency-api.md`
 * (documented fields, and the assumptions of its section 13). Shared by the client, the
 * simulator and the mappings' request schema. Ids that the agency sends as integer-or-string are
 * normalised to strings by the client's response readers.
 */

export type Money = number; // two decimals on the wire (spec §4)
export type IsoDate = string; // YYYY-MM-DD

export type DistributionMethod = 'EMAIL' | 'LETTER' | 'EINVOICE' | 'SMS';
export type EntityType = 'BUSINESS' | 'CONSUMER';
export type InvoiceType = 'INVOICE' | 'CREDIT_NOTE';

export interface AgencyAddress {
  street?: string | null;
  street2?: string | null;
  street3?: string | null;
  postalCode?: string | null;
  postalDistrict?: string | null;
  countryCode?: string | null;
  countryName?: string | null;
}

export interface AgencyContact {
  contactPerson?: { name?: string | null; email?: string | null } | null;
  email?: string | null;
  phone?: string | null;
}

export interface SellerParty {
  businessId: string;
  name: string;
  vatCode?: string | null;
  address: AgencyAddress;
  contact?: AgencyContact | null;
  paymentDetails: {
    iban: string;
    bic: string;
    bankgiro?: string | null;
    postgiro?: string | null;
  };
}

export interface BuyerParty {
  entityType: EntityType;
  name: string;
  customerAccountId?: string | null;
  personalIdentityNumber?: string | null;
  businessId?: string | null;
  vatCode?: string | null;
  electronicInvoiceAccount?: string | null;
  electronicRoutingAddress?: string | null;
  glnNumber?: string | null;
  languageCode: string;
  disableCollection?: boolean;
  address: AgencyAddress;
  contact?: AgencyContact | null;
}

export interface InvoiceRow {
  productCode?: string | null;
  description: string;
  quantity: number;
  unit?: string | null;
  unitPrice: Money;
  vatPercentage: number;
  netAmount: Money;
  vatAmount: Money;
  grossAmount: Money;
}

export interface CreateInvoiceRequest {
  processing: {
    paymentControlEnabled: boolean;
    manualApprovalEnabled: boolean;
    accountingInvoiceEnabled: boolean;
    showProductCodeEnabled?: boolean;
  };
  distribution: { method: DistributionMethod; enabled: boolean };
  invoice: {
    header: {
      number: number;
      type: InvoiceType | null;
      date: IsoDate;
      dueDate: IsoDate;
      description?: string | null;
      additionalInformation?: string | null;
      currencyCode: string;
      languageCode: string;
    };
    references: {
      sales?: string | null;
      buyer?: string | null;
      agreement?: string | null;
      payment?: string | null;
      orderNumber?: string | null;
      orderDate?: IsoDate | null;
      electronicPaymentCode?: string | null;
      creditedInvoiceNumber?: number | null;
      invoiceCopyUrl?: string | null;
    };
    parties: {
      sellerParty: SellerParty;
      buyerParty: BuyerParty;
      invoiceRecipientParty?: Record<string, unknown> | null;
    };
    rows: InvoiceRow[];
    amounts: { netAmount: Money; vatAmount: Money; grossAmount: Money; currencyCode: string };
    terms?: { paymentTermDays?: number | null; penaltyInterestPercentage?: number | null } | null;
    attachments?: { fileName: string; contentType: 'application/pdf'; content: string }[];
  };
}

export interface CreateInvoiceResponse {
  invoiceNumber: string;
  status: string;
}

export type ActionCode =
  'COMMENT' | 'WITHDRAW' | 'DUEDATE' | 'PAYMENTPLAN' | 'OBJECTION' | 'PAUSE' | 'DIRECTPAYMENT';

export const ACTION_CODES: readonly ActionCode[] = [
  'COMMENT',
  'WITHDRAW',
  'DUEDATE',
  'PAYMENTPLAN',
  'OBJECTION',
  'PAUSE',
  'DIRECTPAYMENT',
];

export interface ActionData {
  invoiceNumber: number;
  caseId: number;
  /** DUEDATE */
  dueDate?: IsoDate;
  /** DIRECTPAYMENT */
  paymentMethod?: string;
  amount?: Money;
  currency?: string;
  paymentDate?: IsoDate;
  reference?: string;
  outstandingCapitalAmount?: Money;
  outstandingInterestAmount?: Money;
  outstandingCostsAmount?: Money;
}

export interface InvoiceAction {
  code: ActionCode;
  comment: string;
  data: ActionData;
}

export interface CreateActionsRequest {
  actions: InvoiceAction[];
}

export interface CreateActionsResponse {
  accepted: number;
  actions: { code: string; status: string }[];
}

export interface CaseEvent {
  /** Action code or lifecycle event (e.g. `REMINDER_SENT`). */
  type: string;
  at: string;
  comment?: string | null;
  status?: string | null;
  amount?: string | null;
  reference?: string | null;
}

export interface CasePayment {
  paymentDate: IsoDate;
  amount: string;
  reference?: string | null;
  /** `DEBTOR` (paid to the agency) or `DIRECT` (DIRECTPAYMENT, paid to the creditor). */
  source?: string | null;
}

/** Normalised case details (ids and money as strings). */
export interface CaseDetails {
  caseId: string;
  invoiceNumber: string | null;
  status: string;
  stage: string;
  createdAt: string | null;
  closedAt: string | null;
  dueDate: IsoDate | null;
  currency: string | null;
  balance: { capital: string; interest: string; costs: string; total: string };
  payments: CasePayment[];
  events: CaseEvent[];
}

export interface DistributionRecord {
  invoiceNumber: string;
  caseId: string | null;
  method: string | null;
  status: string;
  distributedAt: string | null;
  errorMessage: string | null;
}

export interface DistributionQuery {
  invoiceNumber?: string;
  fromInvDate?: IsoDate;
  toInvDate?: IsoDate;
  fetchType?: string;
}

export interface DistributionResponse {
  metaData: { totalCount: number; successfulCount: number; failedCount: number };
  distributions: DistributionRecord[];
}

export interface PaymentRecord {
  caseId: string | null;
  invoiceNumber: string;
  invoicePaymentReference: string | null;
  originalPaymentReference: string | null;
  bookingDate: string | null;
  paymentDate: string;
  amount: string;
  currency: string;
  /** Stable key when the agency gives one; else the client derives none (the poller keys). */
  allocationId: string | null;
}

export interface SettlementAllocation {
  allocationId: string;
  allocatedTotalAmount: string;
  allocationDate: IsoDate | null;
  currency: string;
  caseId: string | null;
  originalInvoiceNumber: string;
  originalPaymentReference: string | null;
  /** Read from `breakdown`, or from the older `events`. */
  breakdown: { type: string; amount: string }[];
}

export interface Settlement {
  settlementId: string;
  settlementDate: IsoDate;
  agency: string | null;
  remittanceReference: string | null;
  settlementAmount: string;
  currency: string;
  apiFetchDate: string | null;
  allocations: SettlementAllocation[];
}

export interface SettlementsQuery {
  fromDate?: IsoDate;
  toDate?: IsoDate;
  unfetchedOnly?: boolean;
}

export interface DateWindow {
  fromDate?: IsoDate;
  toDate?: IsoDate;
}

/** Error body of section 13: `{ message, errors?: [{ field, message }] }`. */
export interface AgencyErrorBody {
  message: string;
  errors?: { field: string; message: string }[];
}
