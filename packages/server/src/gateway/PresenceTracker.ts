import { GatewayIntent, type Presence, type PresenceUpdateData } from '@concord/protocol';
import { dispatchPrefix } from './Connection';
import type { EventPublisher } from '../domain/events';
import { aggregatePresence, samePresence } from '../presence/aggregatePresence';
import type { PresenceStore, SessionStatus } from '../presence/PresenceStore';
import type { GatewaySession } from './GatewaySession';
import type { GuildViews } from './GuildViews';

/**
 * Keeps the presence store in step with this node's sessions and announces a user's presence when
 * what others see of it changes: to every guild they share (up to a size, above which presence is
 * only given on request) and to the people they share a DM with. Never touches the database.
 */
export class PresenceTracker {
  /** What others were last told about each local user. */
  private readonly announced = new Map<string, Presence>();

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventPublisher,
    private readonly views: GuildViews,
    private readonly maxGuildSize: number,
  ) {}

  async online(session: GatewaySession): Promise<void> {
    await this.store.set({
      userId: session.userId,
      sessionId: session.id,
      status: session.presence.status,
      clientKind: session.identity.clientKind,
      activities: session.presence.activities,
    });
    await this.announce(session);
  }

  async update(session: GatewaySession, data: PresenceUpdateData): Promise<void> {
    session.presence = { status: toSessionStatus(data.status), activities: data.activities ?? [] };
    await this.online(session);
  }

  async offline(session: GatewaySession): Promise<void> {
    await this.store.remove(session.userId, session.id);
    await this.announce(session);
  }

  /**
   * `session`'s user joined a guild while connected: the guild's members hear their presence (as
   * they would have at the user's IDENTIFY), and the session is told the presences of the members
   * online, which its GUILD_CREATE (built by the service that handled the join) could not carry.
   */
  async joined(
    session: GatewaySession,
    guildId: string,
    memberIds: readonly string[],
    announceOwn: boolean,
  ): Promise<void> {
    const view = this.views.get(guildId);
    if (view === undefined || view.memberCount > this.maxGuildSize) return;
    const own = await this.presenceOf(session.userId, guildId);
    if (announceOwn && own.status !== 'offline') {
      this.events.publish({ type: 'PRESENCE_UPDATE', data: own, route: { kind: 'guild', guildId } });
    }
    if ((session.identity.intents & GatewayIntent.GUILD_PRESENCES) === 0) return;
    const others = memberIds.filter((id) => id !== session.userId);
    for (const presence of await this.presencesOf(others, guildId)) {
      if (presence.status === 'offline') continue;
      session.dispatch(dispatchPrefix('PRESENCE_UPDATE', JSON.stringify(presence)));
    }
  }

  async presenceOf(userId: string, guildId?: string): Promise<Presence> {
    return aggregatePresence(userId, await this.store.sessionsOf(userId), guildId);
  }

  async presencesOf(userIds: readonly string[], guildId?: string): Promise<Presence[]> {
    const sessions = await this.store.sessionsOfMany(userIds);
    return userIds.map((id) => aggregatePresence(id, sessions.get(id) ?? [], guildId));
  }

  private async announce(session: GatewaySession): Promise<void> {
    const { userId } = session;
    const current = await this.presenceOf(userId);
    const previous = this.announced.get(userId) ?? aggregatePresence(userId, []);
    if (samePresence(previous, current)) return;
    if (current.status === 'offline') this.announced.delete(userId);
    else this.announced.set(userId, current);
    for (const guildId of session.guildIds) {
      const view = this.views.get(guildId);
      if (view === undefined || view.memberCount > this.maxGuildSize) continue;
      this.events.publish({
        type: 'PRESENCE_UPDATE',
        data: { ...current, guild_id: guildId },
        route: { kind: 'guild', guildId },
      });
    }
    const partners = [...session.partnerIds].filter((id) => id !== userId);
    if (partners.length > 0) {
      this.events.publish({ type: 'PRESENCE_UPDATE', data: current, route: { kind: 'users', userIds: partners } });
    }
  }
}

/** `offline` from a client means "appear offline": Discord treats it as invisible. */
export function toSessionStatus(status: PresenceUpdateData['status']): SessionStatus {
  return status === 'offline' ? 'invisible' : status;
}
