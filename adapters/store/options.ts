/** The logger a store backend may be given (a pino logger fits). Never handed a secret. */
export interface StoreLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface CreateStoreOptions {
  logger?: StoreLogger;
}

/** A logger that drops everything: the default when none is given. */
export const silentStoreLogger: StoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
