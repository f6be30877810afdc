import type { GatewaySession } from './GatewaySession';

/**
 * The gateway sessions living on this node, by id and by user. A user's sessions are a short array
 * (replaced, never changed in place, so a caller iterating one is not disturbed): a set per user
 * would cost more memory than most users' one or two sessions.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, GatewaySession>();
  private readonly byUser = new Map<string, readonly GatewaySession[]>();

  add(session: GatewaySession): void {
    this.byId.set(session.id, session);
    const others = this.byUser.get(session.userId) ?? EMPTY;
    if (!others.includes(session)) this.byUser.set(session.userId, [...others, session]);
  }

  remove(session: GatewaySession): void {
    this.byId.delete(session.id);
    const rest = (this.byUser.get(session.userId) ?? EMPTY).filter((s) => s !== session);
    if (rest.length === 0) this.byUser.delete(session.userId);
    else this.byUser.set(session.userId, rest);
  }

  get(sessionId: string): GatewaySession | undefined {
    return this.byId.get(sessionId);
  }

  sessionsOf(userId: string): readonly GatewaySession[] {
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

const EMPTY: readonly GatewaySession[] = [];
