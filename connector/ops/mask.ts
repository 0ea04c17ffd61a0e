/**
 * Masks personal data for the ops views (RELIABILITY.md §6.4): names become initials, personal
 * ids, e-mails, phones and account numbers keep their last 4 characters, addresses are hidden.
 * Fields are recognised by key (contract, Atomia and agency field names); everything else is
 * shown as it is. A body that is not JSON is hidden whole.
 */

const NAME_KEYS = new Set([
  'name',
  'firstname',
  'lastname',
  'fullname',
  'contactname',
  'companyname',
  'customername',
  'customerfirstname',
  'customerlastname',
  'customercompanyname',
]);
const ID_KEYS = new Set([
  'personalid',
  'personalidentitynumber',
  'identificationnumber',
  'ssn',
  'businessid',
  'customerid',
  'customernumber',
  'customerlegalnumber',
  'customercompanynumber',
  'email',
  'customeremail',
  'phone',
  'mobile',
  'phonenumber',
  'iban',
]);
const ADDRESS_KEYS = new Set([
  'street',
  'streetaddress',
  'address',
  'customeraddress',
  'customeraddress2',
  'postalcode',
  'zip',
  'customerzip',
  'city',
  'customercity',
  'postaldistrict',
]);

export const MASK = '•••';

/** `Jane Q. Doe` → `J. Q. D.` */
export function initials(value: string): string {
  const parts = value.split(/\s+/).filter(Boolean);
  return parts.length === 0 ? '' : parts.map((p) => `${[...p][0] ?? ''}.`).join(' ');
}

/** `010190-123A` → `•••123A`; 4 characters or fewer are hidden whole. */
export function lastFour(value: string): string {
  const chars = [...value];
  return chars.length <= 4 ? MASK : `${MASK}${chars.slice(-4).join('')}`;
}

function maskScalar(key: string, value: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const text = String(value);
  if (NAME_KEYS.has(key)) return initials(text);
  if (ID_KEYS.has(key)) return lastFour(text);
  if (ADDRESS_KEYS.has(key)) return MASK;
  return value;
}

/** A deep copy of `value` with personal fields masked. */
export function maskPersonal(value: unknown, key = '', depth = 0): unknown {
  if (depth > 40) return MASK;
  if (Array.isArray(value)) return value.map((v) => maskPersonal(v, key, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = maskPersonal(v, k.toLowerCase(), depth + 1);
    return out;
  }
  return maskScalar(key, value);
}

/** A stored message body (JSON text) masked for display, pretty-printed. */
export function maskBody(body: string): string {
  try {
    return JSON.stringify(maskPersonal(JSON.parse(body)), null, 2);
  } catch {
    return `(not JSON, ${Buffer.byteLength(body, 'utf8')} bytes, hidden)`;
  }
}
