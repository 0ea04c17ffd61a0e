/**
 * What the benchmarks send: `invoice.created` events for the connector (numeric invoice numbers,
 * as the agency's header.number is a number) and, for the raw baseline, the agency create body
 * the mapping produces for such an event (taken from the mapping's golden case).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { envelope, invoiceData } from '../../test/helpers/events.ts';
import type { OutgoingMessage } from './broker.ts';

export const SOURCE = 'acme';

export function invoiceCreated(invoiceNumber: number): OutgoingMessage {
  const e = envelope(SOURCE, 'invoice.created', invoiceData(String(invoiceNumber)));
  return { routingKey: e.routingKey, body: e.body, messageId: e.id };
}

const CASE_FILE = 'mappings/generic/cases/invoice.created/business-buyer-one-line.yaml';

/** Returns a builder of create bodies: the golden case's expected body with another number. */
export function createBodyTemplate(): (invoiceNumber: number) => string {
  const doc = parse(readFileSync(CASE_FILE, 'utf8')) as {
    expected: { body: { invoice: { header: { number: number } } } };
  };
  const body = doc.expected.body;
  return (invoiceNumber) => {
    body.invoice.header.number = invoiceNumber;
    return JSON.stringify(body);
  };
}
