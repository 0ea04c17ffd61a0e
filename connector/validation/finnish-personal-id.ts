/**
 * Finnish personal identity code (henkilötunnus, HETU), `DDMMYYCZZZQ`:
 * - `C` the century sign: `+` 1800s; `-`, `Y`, `X`, `W`, `V`, `U` 1900s; `A`–`F` 2000s (the
 *   letters other than `-` and `A` were added in 2023);
 * - `DDMMYY` a date that exists; `ZZZ` the individual number 002–899. 900–999 are temporary
 *   codes (and the numbers DVV's own published examples use, e.g. `010594Y9021`); they are
 *   refused unless `allowTemporary` is set, since a debtor must be identified by a real code;
 * - `Q` the check character: `0123456789ABCDEFHJKLMNPRSTUVWXY`[DDMMYYZZZ mod 31].
 * Upper case only, no surrounding spaces.
 */
import { isExistingDate } from './dates.ts';

const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const FORMAT = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/;

const CENTURY: Record<string, number> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

/** The check character for `DDMMYY` and `ZZZ` (digits only; no validation of the date). */
export function personalIdCheckChar(ddmmyy: string, individual: string): string | null {
  if (!/^\d{6}$/.test(ddmmyy) || !/^\d{3}$/.test(individual)) return null;
  return CHECK_CHARS[Number(ddmmyy + individual) % 31] ?? null;
}

/** The birth date (`YYYY-MM-DD`) of a valid code, or null when the code is not valid. */
export interface PersonalIdOptions {
  /** Accept temporary individual numbers 900–999. Default false. */
  allowTemporary?: boolean;
}

export function personalIdBirthDate(
  value: unknown,
  options: PersonalIdOptions = {},
): string | null {
  if (typeof value !== 'string') return null;
  const m = FORMAT.exec(value);
  if (!m) return null;
  const [, dd = '', mm = '', yy = '', sign = '', zzz = '', check = ''] = m;
  const century = CENTURY[sign];
  if (century === undefined) return null;
  const date = `${century + Number(yy)}-${mm}-${dd}`;
  if (!isExistingDate(date)) return null;
  const individual = Number(zzz);
  if (individual < 2 || individual > (options.allowTemporary ? 999 : 899)) return null;
  if (personalIdCheckChar(dd + mm + yy, zzz) !== check) return null;
  return date;
}

export function isValidPersonalId(value: unknown, options: PersonalIdOptions = {}): boolean {
  return personalIdBirthDate(value, options) !== null;
}
