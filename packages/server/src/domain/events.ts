/**
 * Domain events: what services announce after a committed change, for the realtime gateway to fan
 * out. Services describe *who* should hear an event by its route; they never know about sockets.
 * `type` is the Discord gateway dispatch name (MESSAGE_CREATE, …) and `data` its wire payload.
 */
export type EventRoute =
  /** Members of a guild; with `channelId`, only those who may view that channel. */
  | { kind: 'guild'; guildId: string; channelId?: string }
  /** The recipients of a DM or group DM. */
  | { kind: 'private'; channelId: string; recipientIds: readonly string[] }
  /** Specific users (all their devices), e.g. read states, own-user updates, a removed member. */
  | { kind: 'users'; userIds: readonly string[] };

export interface DomainEvent {
  type: string;
  data: unknown;
  route: EventRoute;
}

export interface EventPublisher {
  /** Called after the change is committed; must not throw into the caller. */
  publish(event: DomainEvent): void;
}

/** Process-local publisher: hands each event to the registered listeners (the gateway, tests). */
export class LocalEventPublisher implements EventPublisher {
  private readonly listeners = new Set<(event: DomainEvent) => void>();

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not undo or fail a committed write; listeners log their own errors.
      }
    }
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
