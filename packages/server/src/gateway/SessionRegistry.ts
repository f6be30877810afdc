import type { GatewaySession } from './GatewaySession';

/** The gateway sessions living on this node, by id and by user. */
export class SessionRegistry {
  private readonly byId = new Map<string, GatewaySession>();
  private readonly byUser = new Map<string, Set<GatewaySession>>();

  add(session: GatewaySession): void {
    this.byId.set(session.id, session);
    let set = this.byUser.get(session.userId);
    if (set === undefined) {
      set = new Set();
      this.byUser.set(session.userId, set);
    }
    set.add(session);
  }

  remove(session: GatewaySession): void {
    this.byId.delete(session.id);
    const set = this.byUser.get(session.userId);
    set?.delete(session);
    if (set?.size === 0) this.byUser.delete(session.userId);
  }

  get(sessionId: string): GatewaySession | undefined {
    return this.byId.get(sessionId);
  }

  sessionsOf(userId: string): ReadonlySet<GatewaySession> {
    return this.byUser.get(userId) ?? EMPTY;
  }

  hasUser(userId: string): boolean {
    return this.byUser.has(userId);
  }

  all(): IterableIterator<GatewaySession> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

const EMPTY: ReadonlySet<GatewaySession> = new Set();
