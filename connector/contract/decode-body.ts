/**
 * Decodes one message body to a JSON value at the edge, cheapest check first: byte size, then a
 * nesting-depth scan (JSON.parse has no depth limit and recursive walkers can overflow the
 * stack), then strict UTF-8, then JSON.parse. Errors never echo the body.
 */
import { InvalidMessageError } from '../errors.ts';

export interface DecodeLimits {
  maxBytes: number;
  maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

function fail(message: string): never {
  throw new InvalidMessageError(message, [{ path: '', message }]);
}

/**
 * The deepest nesting of `[`/`{` outside strings, stopping as soon as it passes `maxDepth`.
 * UTF-8 continuation bytes are ≥ 0x80, so scanning bytes is safe for multi-byte text.
 */
export function exceedsDepth(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && depth > 0) {
      depth--;
    }
  }
  return false;
}

function syntaxDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/unexpected end/i.test(message)) return 'unexpected end of input';
  const position = /at position (\d+)/.exec(message);
  return position ? `syntax error at position ${position[1]}` : 'syntax error';
}

/** Decodes a UTF-8 JSON body within the limits; throws InvalidMessageError (path '') otherwise. */
export function decodeBody(body: Buffer | string, limits: DecodeLimits): unknown {
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (size > limits.maxBytes) fail(`body is ${size} bytes, the limit is ${limits.maxBytes}`);
  if (size === 0) fail('body is empty');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (exceedsDepth(bytes, limits.maxDepth)) fail(`JSON nesting deeper than ${limits.maxDepth}`);
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      fail('body is not valid UTF-8');
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    fail(`body is not JSON: ${syntaxDetail(err)}`);
  }
}
