/** Audit entries for operator actions: who, when, what. Written in the same commit as the action. */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../../adapters/store/index.ts';

export function auditEntry(input: {
  actor: string;
  action: string;
  target: string;
  detail: string;
  now: Date;
}): AuditEntry {
  return {
    id: randomUUID(),
    at: input.now.toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    detail: input.detail.slice(0, 500),
  };
}

/** Refusal of an operator action, mapped to an HTTP status by the routes. */
export class OpsActionError extends Error {
  override readonly name = 'OpsActionError';
  readonly code: 'not_found' | 'conflict' | 'invalid' | 'unavailable';
  constructor(code: OpsActionError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
