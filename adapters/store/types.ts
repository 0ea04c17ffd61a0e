/**
 * The store: every piece of state the connector keeps, behind one interface with two backends
 * (SQLite through node:sqlite, MongoDB through mongoose) that pass the same contract tests.
 *
 * Writes go through `commit(changes)`: one atomic transaction holding everything a step decided
 * (inbox entry + invoice state + outbox rows + parked/dead-letter rows ...). Reads are plain
 * methods. Timestamps are ISO-8601 strings (UTC, ms). JSON-ish payloads are stored as given.
 */

/** Per-item state machine of RELIABILITY.md §3.2 (one row per inbound event). */
export type InboxState =
  | 'PENDING' // received, not yet attempted (or a not-sent failure put it back)
  | 'IN_FLIGHT' // an agency call was started; committed BEFORE the call
  | 'UNKNOWN' // the call's outcome is ambiguous: reconcile before any resend
  | 'PARKED' // waits for its invoice to be known at the agency
  | 'DONE' // effect applied (or adopted after reconcile); results in the outbox
  | 'FAILED' // permanent failure; dead letter + rejected event written
  | 'MANUAL_REVIEW'; // ambiguous money action that reconcile could not settle

export interface InboxEntry {
  source: string;
  messageId: string;
  type: string;
  invoiceNumber: string | null;
  state: InboxState;
  /** Agency attempts started so far (incremented when IN_FLIGHT is committed). */
  attempts: number;
  /** When the latest agency attempt started (reconcile ignores agency records before it). */
  attemptStartedAt: string | null;
  /** Short outcome text for operators, e.g. `accepted`, `rejected: 400 ...`. No personal data. */
  outcome: string | null;
  /** Ids of the outbox rows that carry this event's results (re-published on a duplicate). */
  resultIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** What the connector knows of one invoice (business key: source + invoiceNumber). */
export interface InvoiceRecord {
  source: string;
  invoiceNumber: string;
  /** `CREATED` once the agency accepted the create; `REJECTED` when it refused it. */
  status: 'CREATED' | 'REJECTED';
  caseId: string | null;
  currency: string | null;
  /** Gross amount of the invoice, 2-decimal string. */
  grossAmount: string | null;
  /** Sum of payments the ERP reported (DIRECTPAYMENT), 2-decimal string. */
  paidAmount: string;
  dueDate: string | null;
  /** Last known agency-side states (pollers). */
  distributionStatus: string | null;
  caseStatus: string | null;
  caseStage: string | null;
  /** Last known balance total (2-decimal string) from the case poller. */
  balanceTotal: string | null;
  /**
   * The invoice as the ERP sent it (contract `invoice.created` data): a credit note needs the
   * original buyer and lines. Holds personal data: never logged, shown masked.
   */
  document: unknown;
  /** True once the case is closed at the agency: never polled again. */
  closed: boolean;
  /** When the case poller last read this case. */
  lastCheckedAt: string | null;
  /** Last time something happened to the case (action, payment): raises its poll priority. */
  lastActivityAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OutboxRow {
  /** The AMQP message_id and the CloudEvents id of the message. Unique. */
  id: string;
  exchange: string;
  routingKey: string;
  /** The message body, a JSON document. */
  body: string;
  headers: Record<string, string | number>;
  state: 'PENDING' | 'SENT';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface ParkedEvent {
  id: string;
  source: string;
  invoiceNumber: string;
  messageId: string;
  type: string;
  /** The inbound message as received (body text) and its AMQP properties needed to replay it. */
  body: string;
  routingKey: string;
  reason: string;
  parkedAt: string;
}

export interface AgencyAnswer {
  at: string;
  method: string;
  path: string;
  status: number | null;
  /** Error class or `ok`; the agency's message, never a request body or key. */
  summary: string;
}

export interface DeadLetter {
  id: string;
  source: string;
  messageId: string | null;
  type: string | null;
  invoiceNumber: string | null;
  /** Short machine-friendly reason: `invalid_message`, `agency_rejected`, `retries_exhausted`, `parked_too_long`, `manual_review` ... */
  reason: string;
  /** Human text (field issues, agency message). No personal data. */
  detail: string;
  errorClass: string;
  /** The original message body and routing key, as received. */
  original: string;
  routingKey: string | null;
  /** The mapped agency request, when mapping got that far. */
  mappedRequest: unknown;
  agencyAnswers: AgencyAnswer[];
  attempts: number;
  firstSeenAt: string;
  deadAt: string;
  status: 'OPEN' | 'REPLAYED' | 'DISCARDED';
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface DeadLetterFilter {
  source?: string;
  type?: string;
  reason?: string;
  status?: DeadLetter['status'];
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

/** A piece of agency news the pollers fetched, stored before anything is done with it. */
export interface NewsItem {
  /** `settlement`, `payment`, `distribution`, `case`. */
  kind: string;
  /** Stable key from the agency record (settlement id, allocation key ...). Unique per kind. */
  key: string;
  body: unknown;
  receivedAt: string;
  /** Set in the same commit that writes the outbox rows derived from it. */
  publishedAt: string | null;
}

export interface Cursor {
  name: string;
  value: unknown;
  updatedAt: string;
}

export type TaskState = 'PENDING_APPROVAL' | 'APPROVED' | 'SENT' | 'COLLECTED' | 'CANCELLED';

export interface TaskTransition {
  at: string;
  from: TaskState | null;
  to: TaskState;
  cause: string;
}

export interface DebtCollectionTask {
  id: string;
  source: string;
  invoiceNumber: string;
  state: TaskState;
  reason: string | null;
  creditInvoice: boolean;
  daysLimit: number;
  dueDate: string | null;
  requestedAt: string;
  sentAt: string | null;
  lastCheckedAt: string | null;
  /** Collected amounts and ids (COLLECTED), the Atomia query reply reads these. */
  result: {
    collectedAmount?: string;
    documentId?: string;
    paymentDate?: string;
    credited?: boolean;
  } | null;
  transitions: TaskTransition[];
  /**
   * The invoice (contract `invoice.created` data) when the request carried it because the agency
   * has not seen it yet: the scheduler creates it at the agency when the task is sent. Personal
   * data: never logged. Absent or null otherwise.
   */
  document?: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface TaskFilter {
  source?: string;
  state?: TaskState;
  limit?: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

export interface InvoiceFilter {
  source?: string;
  /** Only invoices whose case is known and not closed. */
  openCasesOnly?: boolean;
  /** Only invoices without a known case id. */
  withoutCaseOnly?: boolean;
  /** Only invoices whose due date is before this date (`YYYY-MM-DD`): past due (case poller). */
  dueBefore?: string;
  /** Only invoices with activity after their last case check, or never checked (case poller). */
  activitySinceCheckOnly?: boolean;
  limit?: number;
}

/** One atomic unit of change. Upserts replace the whole row by its key. */
export interface StoreChanges {
  inbox?: InboxEntry[];
  invoices?: InvoiceRecord[];
  /** Inserted; a row whose id already exists is left as it is. */
  outbox?: OutboxRow[];
  parkedAdd?: ParkedEvent[];
  /** Ids of parked events to remove. */
  parkedRemove?: string[];
  deadLetters?: DeadLetter[];
  /** Inserted when absent, otherwise left as they are (use newsPublished to mark). */
  news?: NewsItem[];
  /** Marks news items published: `{ kind, key, at }`. */
  newsPublished?: { kind: string; key: string; at: string }[];
  cursors?: Cursor[];
  tasks?: DebtCollectionTask[];
  audit?: AuditEntry[];
}

export interface StoreCounts {
  outboxPending: number;
  parked: number;
  deadLettersOpen: number;
  manualReview: number;
  tasksByState: Record<TaskState, number>;
}

export interface Store {
  /** Which backend: `sqlite` or `mongodb`. */
  readonly kind: 'sqlite' | 'mongodb';
  /** Applies every change in one transaction: all or nothing. */
  commit(changes: StoreChanges): Promise<void>;

  getInbox(source: string, messageId: string): Promise<InboxEntry | null>;
  /** Inbox entries in a state (e.g. MANUAL_REVIEW, UNKNOWN), oldest first. */
  listInbox(filter: { state?: InboxState; limit?: number }): Promise<InboxEntry[]>;

  getInvoice(source: string, invoiceNumber: string): Promise<InvoiceRecord | null>;
  getInvoiceByCaseId(caseId: string): Promise<InvoiceRecord | null>;
  listInvoices(filter: InvoiceFilter): Promise<InvoiceRecord[]>;
  /** How many invoices match (`limit` ignored); the case poller sizes its rotation with it. */
  countInvoices(filter: InvoiceFilter): Promise<number>;

  getOutbox(ids: string[]): Promise<OutboxRow[]>;
  /** Pending rows, oldest first (insertion order). */
  pendingOutbox(limit: number): Promise<OutboxRow[]>;
  markOutboxSent(ids: string[], at: string): Promise<void>;
  markOutboxFailed(id: string, error: string): Promise<void>;
  /** Puts SENT rows back to PENDING (re-publish of a result the ERP may have missed). */
  requeueOutbox(ids: string[]): Promise<void>;

  /** Parked events of one invoice in arrival order. */
  parkedFor(source: string, invoiceNumber: string): Promise<ParkedEvent[]>;
  /** All parked events, oldest first; `parkedBefore` filters by age. */
  listParked(filter: { parkedBefore?: string; limit?: number }): Promise<ParkedEvent[]>;

  getDeadLetter(id: string): Promise<DeadLetter | null>;
  listDeadLetters(filter: DeadLetterFilter): Promise<DeadLetter[]>;

  getNews(kind: string, key: string): Promise<NewsItem | null>;
  /** Items fetched but not yet published (crash recovery), oldest first. */
  unpublishedNews(kind: string, limit: number): Promise<NewsItem[]>;

  getCursor(name: string): Promise<Cursor | null>;

  getTask(id: string): Promise<DebtCollectionTask | null>;
  getTaskByInvoice(source: string, invoiceNumber: string): Promise<DebtCollectionTask | null>;
  listTasks(filter: TaskFilter): Promise<DebtCollectionTask[]>;

  listAudit(filter: { limit?: number }): Promise<AuditEntry[]>;

  /**
   * A named lease with expiry (leader election, per-invoice serialisation across instances).
   * Acquires when free, expired, or already held by `owner` (then renews). True when held.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  counts(): Promise<StoreCounts>;
  /** Cheap round trip for readiness. Throws when the store does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
