/**
 * The connector's error taxonomy. Each class carries structured fields; one pure function
 * (`connector/pipeline/outcome.ts`) turns an error into an outcome (ack, retry, park, dead-letter).
 * No error message or field ever holds a secret, a request body or personal data.
 */

export interface FieldIssue {
  /** Dotted path to the field, e.g. `data.buyer.businessId`. */
  path: string;
  message: string;
}

/** The inbound message is malformed or violates the contract: permanent, dead-lettered at once. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
  /** Same error with every issue path prefixed, e.g. `data.` */
  prefixed(prefix: string): InvalidMessageError {
    return new InvalidMessageError(
      this.message,
      this.issues.map((i) => ({ ...i, path: i.path ? `${prefix}.${i.path}` : prefix })),
      { cause: this.cause },
    );
  }
}

/** Configuration is invalid: reported at start-up, all problems at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/** A mapping file is broken or produced a request that fails the agency schema. */
export class MappingError extends Error {
  override readonly name = 'MappingError';
  readonly file: string;
  readonly issues: FieldIssue[];
  constructor(message: string, file: string, issues: FieldIssue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.file = file;
    this.issues = issues;
  }
}

/** The broker or the store is unavailable: transient, the message is retried, never failed. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
