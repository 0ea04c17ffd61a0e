/**
 * The default transport: one agency exchange over `node:http`/`node:https` with a keep-alive
 * agent, the same contract as `sendHttp` in http.ts (an HttpAnswer, or an HttpFailure of kind
 * not_sent / ambiguous / aborted), at a fraction of fetch()'s cost per request: no WHATWG
 * Request/Response/stream objects and no AbortSignal.any chain. Used unless the caller injects a
 * `fetch` (tests and the in-process simulator do).
 *
 * - One timer covers the whole exchange, from the call until the last answer byte.
 * - Redirects are not followed (node:http never follows them; a 3xx is classified like any
 *   unexpected status).
 * - The answer is read under `maxResponseBytes` (declared length checked first, then counted).
 * - Errors are classified by classify.ts: only clear connect-phase codes (ECONNREFUSED, DNS, TLS)
 *   are `not_sent`; anything else after the request started is `ambiguous`.
 */
import http from 'node:http';
import https from 'node:https';
import { classifyFetchError } from './classify.ts';
import {
  HttpFailure,
  parseJsonKeepingNumbers,
  type HttpAnswer,
  type HttpCall,
  type HttpDeps,
} from './http.ts';

interface Target {
  module: typeof http | typeof https;
  agent: http.Agent;
  hostname: string;
  port: number;
  basePath: string;
}

/** Keep-alive agents per base URL, so sockets are reused across calls. */
const targets = new Map<string, Target>();

function targetFor(baseUrl: string): Target {
  let target = targets.get(baseUrl);
  if (target) return target;
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const module = secure ? https : http;
  target = {
    module,
    agent: new module.Agent({ keepAlive: true, scheduling: 'lifo' }),
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    basePath: url.pathname.replace(/\/+$/, ''),
  };
  targets.set(baseUrl, target);
  return target;
}

export function sendNodeHttp(
  deps: HttpDeps,
  call: HttpCall,
  callerSignal?: AbortSignal,
): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const target = targetFor(deps.baseUrl);
    const cancelled = (): boolean => deps.closeSignal.aborted || callerSignal?.aborted === true;
    if (cancelled()) {
      reject(new HttpFailure('aborted', 'cancelled', null));
      return;
    }
    const headers: Record<string, string | number> = {
      Accept: 'application/json',
      'X-Api-Key': deps.apiKey(),
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }

    let settled = false;
    let timedOut = false;
    let answer: HttpAnswer | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      deps.closeSignal.removeEventListener('abort', onAbort);
      callerSignal?.removeEventListener('abort', onAbort);
      outcome();
    };
    /** A failure: before the status → HttpFailure; while reading the body → a bodyProblem. */
    const fail = (err: unknown): void => {
      if (settled) return;
      if (cancelled()) {
        finish(() => reject(new HttpFailure('aborted', 'cancelled', null)));
        return;
      }
      if (answer) {
        const partial = answer;
        partial.bodyProblem = timedOut
          ? `timeout after ${deps.timeoutMs} ms while reading the answer`
          : 'connection lost while reading the answer';
        finish(() => resolve(partial));
        return;
      }
      if (timedOut) {
        finish(() =>
          reject(new HttpFailure('ambiguous', `timeout after ${deps.timeoutMs} ms`, 'ETIMEDOUT')),
        );
        return;
      }
      const { kind, code } = classifyFetchError(err);
      finish(() =>
        reject(new HttpFailure(kind, code ? `network error ${code}` : 'network error', code, err)),
      );
    };

    const req = target.module.request({
      agent: target.agent,
      hostname: target.hostname,
      port: target.port,
      path: target.basePath + call.path,
      method: call.method,
      headers,
    });
    const onAbort = (): void => {
      req.destroy();
      fail(new Error('cancelled'));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
      fail(new Error('timeout'));
    }, deps.timeoutMs);
    deps.closeSignal.addEventListener('abort', onAbort, { once: true });
    callerSignal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', fail);
    req.on('response', (res) => {
      const retryAfter = res.headers['retry-after'];
      const got: HttpAnswer = {
        status: res.statusCode ?? 0,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        json: undefined,
        bodyProblem: null,
      };
      answer = got;
      const tooLarge = `response larger than ${deps.maxResponseBytes} bytes`;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > deps.maxResponseBytes) {
        got.bodyProblem = tooLarge;
        finish(() => resolve(got));
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.byteLength;
        if (total > deps.maxResponseBytes) {
          got.bodyProblem = tooLarge;
          finish(() => resolve(got));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('closed early'));
      });
      res.on('end', () => {
        if (settled) return;
        const text =
          chunks.length === 1
            ? chunks[0]!.toString('utf8')
            : Buffer.concat(chunks).toString('utf8');
        if (text.trim() !== '') {
          try {
            got.json = parseJsonKeepingNumbers(text);
          } catch {
            got.bodyProblem = 'answer is not JSON';
          }
        }
        finish(() => resolve(got));
      });
    });
    req.end(body);
  });
}
