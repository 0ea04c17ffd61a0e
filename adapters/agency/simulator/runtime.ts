/**
 * What the routes share: the engine (replaced on reset), the ledger, the fault settings and
 * PRNG, the rate limiter, and the Hono environment type of the simulator's app.
 */
import type { IncomingMessage } from 'node:http';
import type { SimEngine } from './engine.ts';
import type { Ledger, LedgerEntry } from './ledger.ts';
import type { Account } from './model.ts';
import type { Prng } from './prng.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { FaultSettings } from './settings.ts';

export interface SimRuntime {
  engine: SimEngine;
  ledger: Ledger;
  faults: FaultSettings;
  prng: Prng;
  limiter: RateLimiter | null;
  recordBodies: boolean;
  sleep: (ms: number) => Promise<void>;
  /** Creates a fresh key for `GET /renew`. */
  newKey: () => string;
  /** Clock advance used by admin routes (runs the lifecycle). */
  advanceTo: (targetMs: number) => void;
}

export interface SimEnv {
  /** Present under @hono/node-server; absent with `app.request()`. */
  Bindings: { incoming?: IncomingMessage } | undefined;
  Variables: { entry: LedgerEntry; account: Account };
}
