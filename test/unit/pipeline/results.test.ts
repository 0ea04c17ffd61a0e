/**
 * A rejected event stays within the contract however long the agency's answer was: an invalid
 * result would make the message fail forever instead of getting its answer.
 */
import { describe, expect, it } from 'vitest';
import { rejectedRow } from '../../../connector/pipeline/results.ts';

const target = { source: 'acme', exchange: 'agency.events', now: new Date('2026-11-23T10:00:00Z') };

describe('rejectedRow', () => {
  it('caps a long reason and long or many field errors', () => {
    const errors = Array.from({ length: 150 }, (_, i) => ({
      path: `p${i}.${'x'.repeat(400)}`,
      message: 'm'.repeat(1500),
    }));
    for (const type of ['invoice.created', 'invoice.payment_received']) {
      const row = rejectedRow(
        target,
        { id: 'e-1', type, invoiceNumber: '123', caseId: null },
        'r'.repeat(5000),
        errors,
      );
      const data = (JSON.parse(row?.body ?? '{}') as { data: Record<string, unknown> }).data;
      expect(String(data.reason)).toHaveLength(2000);
      expect(data.errors).toHaveLength(100);
      const first = (data.errors as { path: string; message: string }[])[0];
      expect(first?.path).toHaveLength(300);
      expect(first?.message).toHaveLength(1000);
    }
  });
});
