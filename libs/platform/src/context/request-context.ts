import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who is acting. Carried into event metadata. */
export interface Actor {
  kind: 'customer' | 'agent' | 'system' | 'partner';
  id: string;
  name?: string;
  role?: string;
  channel?: string;
}

export interface RequestContextData {
  correlationId: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** The correlation id and actor of the current request or job, carried through async calls. */
export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  correlationId(): string {
    return storage.getStore()?.correlationId ?? randomUUID();
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
};
