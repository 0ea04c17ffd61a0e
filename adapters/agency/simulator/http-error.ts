/** The simulator's one HTTP error: status, the spec §13 error body, and optional headers. */

export interface SimFieldError {
  field: string;
  message: string;
}

export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';
  readonly status: number;
  readonly errors: SimFieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    message: string,
    errors?: SimFieldError[],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }

  /** `{ message, errors? }` as in spec §13. */
  body(): { message: string; errors?: SimFieldError[] } {
    return this.errors === undefined
      ? { message: this.message }
      : { message: this.message, errors: this.errors };
  }
}

/**
 * Thrown (in-process) when a fault drops the connection: `app.fetch` rejects with it, as a real
 * `fetch` rejects with `TypeError: fetch failed` when the server closes the socket.
 */
export class SimulatedDropError extends TypeError {
  override readonly name = 'SimulatedDropError';
  constructor() {
    super('fetch failed', {
      cause: Object.assign(new Error('other side closed (simulated connection drop)'), {
        code: 'ECONNRESET',
      }),
    });
  }
}
