/**
 * Masking by key (`maskPersonal`) hides a buyer's name, ids and address where the message keeps
 * them, but the same values also turn up in text: a free-text description that names the
 * buyer, or an agency error that quotes the request back ("'Jane Doe' is not allowed"), which
 * reaches the dead letter's detail and agency answers. This takes the values `maskPersonal`
 * masks in a message (and the parts of names) and hides them in any text shown beside it
 * (RELIABILITY.md §6.4–6.5).
 */
import { initials, MASK, maskPersonal } from '../../ops/mask.ts';

const MIN_VALUE_CHARS = 4;
const MIN_NAME_PART_CHARS = 3;
const MAX_DEPTH = 40;

export interface PersonalScrubber {
  text(value: string): string;
  /** A copy of `value` with every string scrubbed. */
  deep(value: unknown): unknown;
}

function collect(
  raw: unknown,
  masked: unknown,
  values: Set<string>,
  nameParts: Set<string>,
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(raw) && Array.isArray(masked)) {
    raw.forEach((v, i) => collect(v, masked[i], values, nameParts, depth + 1));
  } else if (raw && typeof raw === 'object' && masked && typeof masked === 'object') {
    for (const [k, v] of Object.entries(raw)) {
      collect(v, (masked as Record<string, unknown>)[k], values, nameParts, depth + 1);
    }
  } else if ((typeof raw === 'string' || typeof raw === 'number') && raw !== masked) {
    const text = String(raw).trim();
    if (text.length >= MIN_VALUE_CHARS) values.add(text);
    if (typeof raw === 'string' && masked === initials(raw)) {
      for (const part of text.split(/\s+/))
        if (part.length >= MIN_NAME_PART_CHARS) nameParts.add(part);
    }
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value as it appears inside JSON text, plainly and with non-ASCII escaped. */
function spellings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = json.replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [...new Set([value, json, ascii])];
}

/** A scrubber for the personal values found in `sources` (messages, mapped requests). */
export function personalScrubber(...sources: unknown[]): PersonalScrubber {
  const values = new Set<string>();
  const nameParts = new Set<string>();
  for (const source of sources) collect(source, maskPersonal(source), values, nameParts);
  // Longest first, and only where the value stands alone (not inside a longer word or number).
  const spelled = [...values, ...nameParts].flatMap(spellings).sort((a, b) => b.length - a.length);
  const pattern =
    spelled.length > 0
      ? new RegExp(
          `(?<![\\p{L}\\p{N}])(?:${spelled.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
          'gu',
        )
      : null;
  const text = (value: string) => (pattern ? value.replace(pattern, MASK) : value);
  const deep = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return text(value);
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((v) => deep(v, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, depth + 1)]));
    }
    return value;
  };
  return { text, deep: (value) => deep(value) };
}
