/** Counts publishes to the outbound exchange (confirmed or failed) without changing the publisher. */
export function instrumentPublishes<
  T extends {
    publish(exchange: string, routingKey: string, body: string, options: never): Promise<void>;
  },
>(
  publisher: T,
  outboundExchange: string,
  onPublished: (routingKey: string, ok: boolean) => void,
): T {
  const publish = publisher.publish.bind(publisher) as (...args: unknown[]) => Promise<void>;
  return {
    ...publisher,
    async publish(exchange: string, routingKey: string, ...rest: unknown[]): Promise<void> {
      if (exchange !== outboundExchange) return publish(exchange, routingKey, ...rest);
      try {
        await publish(exchange, routingKey, ...rest);
        onPublished(routingKey, true);
      } catch (err) {
        onPublished(routingKey, false);
        throw err;
      }
    },
  };
}
