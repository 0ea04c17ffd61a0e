/**
 * Deciding, per request, which fault it meets. Scripted faults (`next`) come first; otherwise
 * each share is drawn from the seeded PRNG in a fixed order, so runs are reproducible.
 */
import type { Prng } from './prng.ts';
import type { EndpointName, FaultKind, FaultSettings } from './settings.ts';

export type BeforeFault =
  'error-500' | 'error-503' | 'random-429' | 'rate-limited' | 'conflict-409';
export type AfterFault = 'commit-then-500' | 'commit-then-drop';

export interface FaultPlan {
  latencyMs: number;
  /** Answered instead of running the handler (nothing committed). */
  before: BeforeFault | null;
  /** Applied after a successful (2xx) handler run. */
  after: AfterFault | null;
  slowBody: boolean;
}

const NO_FAULT: FaultPlan = { latencyMs: 0, before: null, after: null, slowBody: false };

function latency(settings: FaultSettings, prng: Prng): number {
  const l = settings.latencyMs;
  if (typeof l === 'number') return l;
  const [min, max] = l;
  return max <= min ? min : Math.round(min + prng.next() * (max - min));
}

function scripted(kind: FaultKind | 'none', latencyMs: number): FaultPlan {
  const plan: FaultPlan = { ...NO_FAULT, latencyMs };
  if (kind === 'commit-then-500' || kind === 'commit-then-drop') plan.after = kind;
  else if (kind === 'slow-body') plan.slowBody = true;
  else if (kind !== 'none') plan.before = kind;
  return plan;
}

export function planFaults(
  settings: FaultSettings,
  prng: Prng,
  endpoint: EndpointName | null,
): FaultPlan {
  if (
    endpoint === null ||
    (settings.endpoints.length > 0 && !settings.endpoints.includes(endpoint))
  ) {
    return NO_FAULT;
  }
  const latencyMs = latency(settings, prng);
  const next = settings.next.shift();
  if (next !== undefined) return scripted(next, latencyMs);
  const hit = (rate: number): boolean => rate > 0 && prng.next() < rate;
  let before: BeforeFault | null = null;
  if (hit(settings.random429Rate)) before = 'random-429';
  else if (hit(settings.error500Rate)) before = 'error-500';
  else if (hit(settings.error503Rate)) before = 'error-503';
  else if (endpoint === 'POST /invoice' && hit(settings.conflict409Rate)) before = 'conflict-409';
  let after: AfterFault | null = null;
  if (before === null) {
    if (hit(settings.commitThen500Rate)) after = 'commit-then-500';
    else if (hit(settings.commitThenDropRate)) after = 'commit-then-drop';
  }
  return { latencyMs, before, after, slowBody: hit(settings.slowBodyRate) };
}

/** Re-streams a response body in small chunks with pauses between them. */
export async function slowResponse(
  res: Response,
  chunkBytes: number,
  delayMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<Response> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      if (offset > 0) await sleep(delayMs);
      controller.enqueue(bytes.slice(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(body, { status: res.status, headers });
}
