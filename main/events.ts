import type { EventName, EventPayload } from "../shared/contract/events.ts";

export type EventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** Pushes main-process events to whichever transports are listening (Electron IPC, HTTP SSE). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of this.listeners) listener(name, payload);
  }
}
