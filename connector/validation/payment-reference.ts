/**
 * Payment references. Spaces are allowed anywhere and ignored.
 * - Finnish national reference (viitenumero): 4–20 digits including the check digit; the check
 *   digit is (10 − Σ digit × weight mod 10) mod 10 with weights 7, 3, 1 repeating from the right
 *   of the base. Leading zeros are allowed (banks ignore them).
 * - RF creditor reference (ISO 11649): `RF`, two check digits (02–98), 1–21 letters or digits;
 *   moving the first four characters to the end and reading letters as 10–35 gives a number
 *   whose remainder mod 97 is 1. Upper case only.
 */

const NATIONAL = /^\d{4,20}$/;
const RF = /^RF(\d{2})[0-9A-Z]{1,21}$/;
const WEIGHTS = [7, 3, 1] as const;

function compact(value: string): string {
  return value.replace(/ /g, '');
}

/** The check digit for the base part (3–19 digits) of a national reference, or null. */
export function nationalReferenceCheckDigit(base: string): number | null {
  if (!/^\d{3,19}$/.test(base)) return null;
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    sum += Number(base[base.length - 1 - i]) * (WEIGHTS[i % 3] ?? 0);
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNationalReference(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 40) return false;
  const ref = compact(value);
  if (!NATIONAL.test(ref)) return false;
  return nationalReferenceCheckDigit(ref.slice(0, -1)) === Number(ref.slice(-1));
}

/** Remainder mod 97 of an alphanumeric string read as ISO 7064 digits (A = 10 … Z = 35). */
function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

export function isValidRfReference(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 60) return false;
  const ref = compact(value);
  const m = RF.exec(ref);
  if (!m) return false;
  const check = Number(m[1]);
  if (check < 2 || check > 98) return false;
  return mod97(ref.slice(4) + ref.slice(0, 4)) === 1;
}

/** The RF reference (without spaces) for a creditor reference body of 1–21 letters or digits. */
export function rfReferenceFor(body: string): string | null {
  const ref = compact(body);
  if (!/^[0-9A-Z]{1,21}$/.test(ref)) return null;
  const check = 98 - mod97(`${ref}RF00`);
  return `RF${String(check).padStart(2, '0')}${ref}`;
}

/** A national or an RF reference. */
export function isValidPaymentReference(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return compact(value).startsWith('RF')
    ? isValidRfReference(value)
    : isValidNationalReference(value);
}
