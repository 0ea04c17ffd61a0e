/**
 * Atomia invoice lines → contract lines that add up to Atomia's own totals, to the cent.
 *
 * The rule: each line's net is `Quantity × Price − Discount` and its VAT is
 * `net × ΣTaxes.Percent / 100`, each rounded half away from zero to cents. Atomia's `Subtotal`,
 * `Tax1Total + Tax2Total` and `Total` (each rounded to cents) are the truth: they must satisfy
 * `Subtotal + taxes = Total`, and a rounding difference of at most one cent per line between the
 * rounded lines and those totals (Atomia may round per line or per invoice) is moved onto the
 * lines with the largest rounding remainders (largest-remainder method). A larger difference
 * is an error. A line's `total` is then `net + VAT`, so the lines sum to `Total` exactly.
 */
import { InvalidMessageError, type FieldIssue } from '../../../connector/errors.ts';
import {
  add,
  formatDecimal,
  multiply,
  normalize,
  roundHalfAwayFromZero,
  subtract,
  type ExactDecimal,
} from '../../../connector/validation/exact-decimal.ts';
import type { AtomiaInvoice } from './invoice-schema.ts';

export interface MappedLine {
  productCode: string | null;
  description: string;
  quantity: string;
  unit: null;
  unitPrice: string;
  vatRate: string;
  total: string;
}

export interface MappedTotals {
  net: string;
  vat: string;
  gross: string;
}

const ZERO: ExactDecimal = { units: 0n, scale: 0 };

const cents = (d: ExactDecimal): bigint => roundHalfAwayFromZero(d, 2).units;
const money = (c: bigint): string => formatDecimal({ units: c, scale: 2 }, 2);

/**
 * Spreads `diff` cents over the candidates: +1 cent each to those whose exact value lies most
 * above their rounded cents (−1 to those most below when diff < 0). Null when diff is too big.
 */
function spread(
  rounded: bigint[],
  exact: ExactDecimal[],
  candidates: number[],
  diff: bigint,
): bigint[] | null {
  const count = BigInt(candidates.length);
  if (diff === 0n) return rounded;
  if (count === 0n || diff > count || -diff > count) return null;
  const remainder = (i: number) =>
    subtract(exact[i] ?? ZERO, { units: rounded[i] ?? 0n, scale: 2 });
  const ordered = [...candidates].sort((a, b) => {
    const ra = remainder(a);
    const rb = remainder(b);
    const cmp = subtract(rb, ra).units; // descending remainder
    const byRemainder = cmp === 0n ? 0 : cmp > 0n ? 1 : -1;
    return (diff > 0n ? byRemainder : -byRemainder) || a - b;
  });
  const out = [...rounded];
  const step = diff > 0n ? 1n : -1n;
  for (let k = 0n, i = 0; k !== diff; k += step, i++) {
    const index = ordered[i] ?? 0;
    out[index] = (out[index] ?? 0n) + step;
  }
  return out;
}

function fail(path: string, message: string): never {
  const issues: FieldIssue[] = [{ path, message }];
  throw new InvalidMessageError(`${path}: ${message}`, issues);
}

export function mapLines(
  invoice: AtomiaInvoice,
  path: string,
): { lines: MappedLine[]; totals: MappedTotals } {
  const lines = invoice.InvoiceLines;
  const netExact = lines.map((l) => subtract(multiply(l.Quantity, l.Price), l.Discount ?? ZERO));
  const rates = lines.map((l) =>
    normalize((l.Taxes ?? []).reduce((sum, t) => add(sum, t.Percent), ZERO)),
  );
  const subtotal = cents(invoice.Subtotal);
  const taxes = cents(invoice.Tax1Total ?? ZERO) + cents(invoice.Tax2Total ?? ZERO);
  const total = cents(invoice.Total);
  if (subtotal + taxes !== total) {
    fail(`${path}.Total`, 'must equal Subtotal + Tax1Total + Tax2Total to the cent');
  }

  const all = lines.map((_, i) => i);
  const net = spread(
    netExact.map(cents),
    netExact,
    all,
    subtotal - netExact.map(cents).reduce((a, b) => a + b, 0n),
  );
  if (!net)
    fail(
      `${path}.InvoiceLines`,
      'Quantity × Price − Discount of the lines does not add up to Subtotal',
    );

  const vatExact = net
    .map((n, i) => multiply({ units: n, scale: 2 }, rates[i] ?? ZERO))
    .map((v) => ({
      units: v.units,
      scale: v.scale + 2, // divided by 100
    }));
  const vatRounded = vatExact.map(cents);
  const taxed = all.filter((i) => (rates[i]?.units ?? 0n) !== 0n && net[i] !== 0n);
  const vat = spread(vatRounded, vatExact, taxed, taxes - vatRounded.reduce((a, b) => a + b, 0n));
  if (!vat) fail(`${path}.Tax1Total`, 'the lines’ Taxes do not add up to Tax1Total + Tax2Total');

  const mapped = lines.map((l, i): MappedLine => {
    const rate = rates[i] ?? ZERO;
    return {
      productCode: l.ItemNumber ?? l.ItemNo ?? null,
      description: l.Description ?? l.ItemName ?? '',
      quantity: formatDecimal(roundHalfAwayFromZero(l.Quantity, 4)),
      unit: null,
      unitPrice: formatDecimal(roundHalfAwayFromZero(l.Price, 4), 2),
      vatRate: formatDecimal(roundHalfAwayFromZero(rate, 2)),
      total: money((net[i] ?? 0n) + (vat[i] ?? 0n)),
    };
  });
  return {
    lines: mapped,
    totals: { net: money(subtotal), vat: money(taxes), gross: money(total) },
  };
}
