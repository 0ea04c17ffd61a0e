/** What the pipeline needs from the mappings: contract event (+ context) → validated agency request. */
import type { CreateActionsRequest, CreateInvoiceRequest } from '../../adapters/agency/index.ts';
import type { InvoiceRecord } from '../../adapters/store/index.ts';

export interface MappingInput {
  event: { id: string; type: string; time: string | null; subject: string | null; data: unknown };
  source: Record<string, unknown> & { name: string };
  invoice: InvoiceRecord | null;
  /** The `invoice.created` data of the invoice (a credit note needs its buyer and lines). */
  original?: unknown;
}

export type MappedRequest =
  | { request: 'createInvoice'; body: CreateInvoiceRequest; file: string }
  | { request: 'createActions'; body: CreateActionsRequest; file: string };

export interface MappingPort {
  /** Throws MappingError (file + field paths) when the result fails the agency request schema. */
  map(adapter: string, type: string, input: MappingInput): Promise<MappedRequest>;
}

/** The marker every action comment ends with; reconcile finds a lost answer's action by it. */
export function erpMarker(eventId: string): string {
  return `[erp:${eventId}]`;
}
