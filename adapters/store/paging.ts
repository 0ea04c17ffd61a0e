/**
 * Checks of the `limit` / `offset` arguments, shared by both backends so that they agree:
 * `undefined` means "no limit" / "from the start"; anything but a non-negative integer throws.
 */
export function checkLimit(limit: number | undefined, what = 'limit'): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(limit)}`);
  }
  return limit;
}

export function checkOffset(offset: number | undefined): number {
  return checkLimit(offset, 'offset') ?? 0;
}

/** Splits a list of ids into slices small enough for one `IN (...)` / `$in`. */
export function chunk<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
