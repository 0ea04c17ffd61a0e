import type { BrokerLogger } from './types.ts';

export interface Emitter<Events> {
  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void;
  emit<E extends keyof Events>(event: E, payload: Events[E]): void;
}

/** A tiny typed emitter; a throwing listener is logged, never propagated into amqplib. */
export function createEmitter<Events>(log: BrokerLogger): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as (p: typeof payload) => void)(payload);
        } catch (err) {
          log.error({ err, event: String(event) }, 'broker event listener threw');
        }
      }
    },
  };
}
