/**
 * The routing-key check shared by the ERP adapters: a key is `<source>.<type>`; its source must
 * be the configured source and its type the envelope's type.
 */
import type { Envelope } from './envelope.ts';
import { invalid } from './issues.ts';

export function checkRoutingKey(
  routingKey: string,
  envelope: Pick<Envelope, 'type'>,
  source: string,
): void {
  const dot = routingKey.indexOf('.');
  const keySource = dot > 0 ? routingKey.slice(0, dot) : '';
  const keyType = dot > 0 ? routingKey.slice(dot + 1) : '';
  if (keySource !== source) {
    throw invalid(
      '',
      `routing key source "${keySource.slice(0, 100)}" is not the configured source "${source}"`,
    );
  }
  if (keyType !== envelope.type) {
    throw invalid(
      'type',
      `envelope type does not match the routing key type "${keyType.slice(0, 100)}"`,
    );
  }
}
