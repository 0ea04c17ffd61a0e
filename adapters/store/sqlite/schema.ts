/**
 * The SQLite schema as an ordered list of migrations. Migration i moves `PRAGMA user_version`
 * from i to i + 1; a shipped migration is never edited, a change is a new entry at the end.
 *
 * Tables are STRICT (SQLite checks column types). JSON values are TEXT. Timestamps are ISO-8601
 * UTC text, which sorts in time order. Booleans are INTEGER 0/1. Every read of the Store
 * interface has an index (the query is named next to it).
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE inbox (
    source TEXT NOT NULL,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    invoice_number TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    attempt_started_at TEXT,
    outcome TEXT,
    result_ids TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, message_id)
  ) STRICT;
  -- listInbox({ state }), counts().manualReview
  CREATE INDEX inbox_by_state ON inbox (state, created_at);
  -- listInbox({})
  CREATE INDEX inbox_by_created ON inbox (created_at);

  CREATE TABLE invoices (
    source TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    status TEXT NOT NULL,
    case_id TEXT,
    currency TEXT,
    gross_amount TEXT,
    paid_amount TEXT NOT NULL,
    due_date TEXT,
    distribution_status TEXT,
    case_status TEXT,
    case_stage TEXT,
    balance_total TEXT,
    document TEXT NOT NULL,
    closed INTEGER NOT NULL,
    last_checked_at TEXT,
    last_activity_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, invoice_number)
  ) STRICT;
  -- getInvoiceByCaseId, listInvoices({ withoutCaseOnly })
  CREATE INDEX invoices_by_case_id ON invoices (case_id, last_checked_at, source, invoice_number);
  -- listInvoices: ORDER BY last_checked_at (NULL sorts first), source, invoice_number
  CREATE INDEX invoices_by_checked ON invoices (last_checked_at, source, invoice_number);
  -- listInvoices({ source })
  CREATE INDEX invoices_by_source ON invoices (source, last_checked_at, invoice_number);
  -- listInvoices({ openCasesOnly }): the case poller
  CREATE INDEX invoices_open_cases ON invoices (last_checked_at, source, invoice_number)
    WHERE case_id IS NOT NULL AND closed = 0;

  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    exchange TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    body TEXT NOT NULL,
    headers TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
  ) STRICT;
  -- pendingOutbox (insertion order), counts().outboxPending
  CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'PENDING';

  CREATE TABLE parked (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    routing_key TEXT NOT NULL,
    reason TEXT NOT NULL,
    parked_at TEXT NOT NULL
  ) STRICT;
  -- parkedFor (arrival order)
  CREATE INDEX parked_by_invoice ON parked (source, invoice_number, seq);
  -- listParked ({ parkedBefore }, oldest first)
  CREATE INDEX parked_by_age ON parked (parked_at, seq);

  CREATE TABLE dead_letters (
    id TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    message_id TEXT,
    type TEXT,
    invoice_number TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    error_class TEXT NOT NULL,
    original TEXT NOT NULL,
    routing_key TEXT,
    mapped_request TEXT NOT NULL,
    agency_answers TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    dead_at TEXT NOT NULL,
    status TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TEXT,
    resolution TEXT
  ) STRICT;
  -- listDeadLetters: newest first, filtered by one of these (or none), counts().deadLettersOpen
  CREATE INDEX dead_letters_by_dead_at ON dead_letters (dead_at, id);
  CREATE INDEX dead_letters_by_status ON dead_letters (status, dead_at, id);
  CREATE INDEX dead_letters_by_source ON dead_letters (source, dead_at, id);
  CREATE INDEX dead_letters_by_type ON dead_letters (type, dead_at, id);
  CREATE INDEX dead_letters_by_reason ON dead_letters (reason, dead_at, id);

  CREATE TABLE news (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    published_at TEXT,
    PRIMARY KEY (kind, key)
  ) STRICT;
  -- unpublishedNews (kind, published_at IS NULL, oldest first)
  CREATE INDEX news_unpublished ON news (kind, received_at) WHERE published_at IS NULL;

  CREATE TABLE cursors (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    credit_invoice INTEGER NOT NULL,
    days_limit INTEGER NOT NULL,
    due_date TEXT,
    requested_at TEXT NOT NULL,
    sent_at TEXT,
    last_checked_at TEXT,
    result TEXT NOT NULL,
    transitions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  -- getTaskByInvoice (newest)
  CREATE INDEX tasks_by_invoice ON tasks (source, invoice_number, created_at);
  -- listTasks({ state }), counts().tasksByState
  CREATE INDEX tasks_by_state ON tasks (state, created_at);
  -- listTasks({ source }), listTasks({})
  CREATE INDEX tasks_by_source ON tasks (source, created_at);
  CREATE INDEX tasks_by_created ON tasks (created_at);

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
  ) STRICT;
  -- listAudit (newest first)
  CREATE INDEX audit_by_at ON audit (at, seq);

  CREATE TABLE leases (
    name TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- debt-collection task: the invoice carried by the request (sent to the agency with the task)
  ALTER TABLE tasks ADD COLUMN document TEXT;
  `,
];
