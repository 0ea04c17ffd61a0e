/**
 * A body nested deeper than `broker.maxJsonDepth` is dead-lettered without ever reaching
 * JSON.parse (RELIABILITY.md §6.3: check before parse), also while salvaging its id for the
 * dead letter.
 */
import { describe, expect, it, vi } from 'vitest';
import { createHarness } from '../../helpers/pipeline-harness.ts';

describe('deep JSON', () => {
  it('is dead-lettered unparsed', async () => {
    const h = await createHarness();
    const body = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const record = await h.deliverBody('acme.invoice.created', body, 'deep-1');
      expect(record.acked).toBe(true);
      expect(h.deadLetterCopies()).toHaveLength(1);
      expect(parse.mock.calls.filter(([text]) => text === body)).toEqual([]);
    } finally {
      parse.mockRestore();
      await h.close();
    }
  });
});
