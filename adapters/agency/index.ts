/**
 * The agency adapter: a client for the agency's partner API (CFIS) with rate limiting, retries,
 * a circuit breaker and lenient answer readers. See README.md for the error classes and the
 * retry rules. The simulator lives in ./simulator/ and is imported from there directly.
 */
export { createAgencyClient } from './client.ts';
export type {
  AgencyAnswerRecord,
  AgencyClient,
  AgencyClientOptions,
  AgencyLogger,
  AgencyRequestEvent,
  BackpressureEvent,
  CallOptions,
  LimiterState,
} from './options.ts';
export {
  AgencyError,
  isAgencyError,
  type AgencyErrorKind,
  type AgencyFieldError,
} from './errors.ts';
export { classifyFetchError, classifyStatus, isRetriedInClient } from './classify.ts';
export { backoffCapMs, fullJitterDelayMs, type BackoffOptions } from './backoff.ts';
export { parseRetryAfterMs } from './retry-after.ts';
export { minTimeMsFor, PRIORITY_LEVEL, type CallPriority } from './limiter.ts';
export { toMoneyString } from './read-values.ts';
export {
  readCaseDetails,
  readCreateActions,
  readDistribution,
  readPayments,
  readSettlements,
  ResponseShapeError,
} from './read-responses.ts';
export type * from './types.ts';
export { ACTION_CODES } from './types.ts';
export {
  validateCreateActionsRequest,
  validateCreateInvoiceRequest,
  type RequestFieldError,
  type RequestValidation,
} from './request-schema.ts';
