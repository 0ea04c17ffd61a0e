/**
 * The ledger: every partner API request as received, what it carried (invoice number, actions),
 * whether it was committed (changed state), whether it was answered, and which fault it met.
 * Reliability tests count on it: "created once", "each DIRECTPAYMENT applied once", answers lost
 * after a commit.
 */
import type { EndpointName, FaultKind } from './settings.ts';

export interface LedgerAction {
  code: string;
  invoiceNumber: string;
  caseId: string;
  /** The connector writes the ERP event id here; actions are keyed by invoice number + comment. */
  comment: string;
}

export interface LedgerEntry {
  seq: number;
  /** Simulated time the request arrived (ISO). */
  receivedAt: string;
  method: string;
  path: string;
  endpoint: EndpointName | null;
  /** Account id (`acct-1` …) of a valid key, else null. Keys themselves are never recorded. */
  account: string | null;
  /** `invoice.header.number` of a create, or the `invoiceNumber` query of a read. */
  invoiceNumber: string | null;
  actions: LedgerAction[] | null;
  /** The parsed JSON body (POST only, when `recordBodies` is on). */
  body?: unknown;
  /** Status answered; null when the connection was dropped or the request is still running. */
  status: number | null;
  answered: boolean;
  /** True when the request changed the simulator's state (create, actions, settlements marked, renew). */
  committed: boolean;
  fault: FaultKind | null;
}

export interface Ledger {
  readonly entries: LedgerEntry[];
  /** Requests per `"<endpoint> <status>"`, e.g. `"POST /invoice 409"`, `"POST /invoice dropped"`. */
  readonly counts: Map<string, number>;
  open(fields: Pick<LedgerEntry, 'receivedAt' | 'method' | 'path' | 'endpoint'>): LedgerEntry;
  close(entry: LedgerEntry, status: number | null): void;
}

export function createLedger(): Ledger {
  const entries: LedgerEntry[] = [];
  const counts = new Map<string, number>();
  return {
    entries,
    counts,
    open(fields) {
      const entry: LedgerEntry = {
        seq: entries.length + 1,
        ...fields,
        account: null,
        invoiceNumber: null,
        actions: null,
        status: null,
        answered: false,
        committed: false,
        fault: null,
      };
      entries.push(entry);
      return entry;
    },
    close(entry, status) {
      entry.status = status;
      entry.answered = status !== null;
      const key = `${entry.endpoint ?? `${entry.method} ${entry.path}`} ${status ?? 'dropped'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  };
}
