/**
 * The AMQP URL holds the password: log it only through `maskAmqpUrl`.
 * `amqp://user:secret@host:5672/vhost?heartbeat=15` → `amqp://user:***@host:5672/vhost?heartbeat=15`.
 */
export function maskAmqpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'amqp:' || parsed.protocol === 'amqps:') {
      if (parsed.password) parsed.password = '***';
      return parsed.toString();
    }
  } catch {
    // fall through: mask without trusting the shape
  }
  return url.replace(/(^|\/\/)([^:/@]*):[^@]*@/u, '$1$2:***@');
}

/** Adds `heartbeat=<seconds>` to the URL query when the URL does not set one. */
export function withDefaultHeartbeat(url: string, heartbeatSeconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) {
    parsed.searchParams.set('heartbeat', String(heartbeatSeconds));
  }
  return parsed.toString();
}
