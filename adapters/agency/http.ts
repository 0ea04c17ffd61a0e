/**
 * One HTTP exchange with the agency: headers, a per-request timeout combined with the caller's and
 * the client's abort signals, no redirects, and a response body read under a byte cap. JSON is
 * parsed with every number kept as its source text, so ids past 2^53 and amounts such as 1240.50
 * arrive unchanged (the readers accept numbers and strings alike).
 */
import { classifyFetchError } from './classify.ts';

export interface HttpDeps {
  /** An injected fetch (tests, the in-process simulator); node:http (node-http.ts) when absent. */
  fetch?: typeof fetch;
  baseUrl: string;
  apiKey: () => string;
  timeoutMs: number;
  maxResponseBytes: number;
  closeSignal: AbortSignal;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Relative to the base URL, query string included, e.g. `/invoice/case?caseId=12`. */
  path: string;
  body?: unknown;
}

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  /** Parsed JSON, or undefined when empty, unreadable or not JSON. */
  json: unknown;
  /** Why the body could not be used, or null: `oversize`, `timeout`, `read failed`, `not JSON`. */
  bodyProblem: string | null;
}

/** fetch() failed before any status arrived. */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  readonly kind: 'not_sent' | 'ambiguous' | 'aborted';
  readonly code: string | null;
  constructor(
    kind: 'not_sent' | 'ambiguous' | 'aborted',
    detail: string,
    code: string | null,
    cause?: unknown,
  ) {
    super(detail, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.code = code;
  }
}

class OversizeError extends Error {}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

export async function sendHttp(
  deps: HttpDeps,
  call: HttpCall,
  callerSignal?: AbortSignal,
): Promise<HttpAnswer> {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const timeoutSignal = AbortSignal.timeout(deps.timeoutMs);
  const bodyAbort = new AbortController();
  const signals = [timeoutSignal, deps.closeSignal, bodyAbort.signal];
  if (callerSignal) signals.push(callerSignal);
  const signal = AbortSignal.any(signals);
  const cancelled = (): boolean => deps.closeSignal.aborted || callerSignal?.aborted === true;

  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Api-Key': deps.apiKey(),
  };
  let body: string | undefined;
  if (call.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(call.body);
  }

  let response: Response;
  try {
    response = await fetchImpl(joinUrl(deps.baseUrl, call.path), {
      method: call.method,
      headers,
      body,
      redirect: 'error',
      signal,
    });
  } catch (err) {
    if (cancelled()) throw new HttpFailure('aborted', 'cancelled', null);
    if (timeoutSignal.aborted) {
      throw new HttpFailure('ambiguous', `timeout after ${deps.timeoutMs} ms`, 'ETIMEDOUT');
    }
    const { kind, code } = classifyFetchError(err);
    throw new HttpFailure(kind, code ? `network error ${code}` : 'network error', code, err);
  }

  const answer: HttpAnswer = {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: undefined,
    bodyProblem: null,
  };
  let text: string;
  try {
    text = await readCapped(response, deps.maxResponseBytes);
  } catch (err) {
    bodyAbort.abort();
    if (cancelled()) throw new HttpFailure('aborted', 'cancelled', null);
    if (err instanceof OversizeError)
      answer.bodyProblem = `response larger than ${deps.maxResponseBytes} bytes`;
    else if (timeoutSignal.aborted)
      answer.bodyProblem = `timeout after ${deps.timeoutMs} ms while reading the answer`;
    else answer.bodyProblem = 'connection lost while reading the answer';
    return answer;
  }
  if (text.trim() === '') return answer;
  try {
    answer.json = parseJsonKeepingNumbers(text);
  } catch {
    answer.bodyProblem = 'answer is not JSON';
  }
  return answer;
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new OversizeError();
  }
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new OversizeError();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** JSON.parse, with every number replaced by its exact source text (Node ≥ 21 reviver context). */
export function parseJsonKeepingNumbers(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && typeof context?.source === 'string' ? context.source : value,
  );
}
