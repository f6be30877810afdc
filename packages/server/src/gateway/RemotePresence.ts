import type { Presence } from '@concord/protocol';
import type { Store } from '../stores/ports';
import type { Envelope } from './EventEnvelope';
import type { GuildViews } from './GuildViews';
import type { PresenceTracker } from './PresenceTracker';
import type { SessionRegistry } from './SessionRegistry';

/** Users remembered as told offline; beyond this the oldest are forgotten (a later return is then not told). */
const MAX_TOLD_OFFLINE = 100_000;

export interface RemotePresenceDeps {
  store: Store;
  tracker: PresenceTracker;
  sessions: SessionRegistry;
  views: GuildViews;
  presenceMaxGuildSize: number;
  /** Hands an event to this node's sessions only (never the bus). */
  deliverLocally(envelope: Envelope): void;
}

/**
 * Announces presence changes that no node's tracker announces: a user of a node that crashed (or was
 * cut off from NATS) goes offline when their presence entries expire, and comes back if that node's
 * entries return. Every node sees the expiry in its own copy of the presence bucket, so each tells
 * only its own sessions — the people who share a guild (up to the presence size limit) or a DM with
 * that user — and every device hears it once, without a bus message or an election.
 */
export class RemotePresence {
  private readonly toldOffline = new Set<string>();
  private counter = 0;

  constructor(private readonly deps: RemotePresenceDeps) {}

  async changed(userId: string): Promise<void> {
    const presence = await this.deps.tracker.presenceOf(userId);
    const offline = presence.status === 'offline';
    // Only news: offline once, and back only for someone told offline here.
    if (offline === this.toldOffline.has(userId)) return;
    if (offline) {
      this.toldOffline.add(userId);
      if (this.toldOffline.size > MAX_TOLD_OFFLINE)
        this.toldOffline.delete(this.toldOffline.values().next().value as string);
    } else {
      this.toldOffline.delete(userId);
    }
    const { views, presenceMaxGuildSize } = this.deps;
    // Confinement: only guilds the user really is in (from the store, as this node holds no session
    // of theirs), and among those only the ones this node follows.
    for (const guild of await this.deps.store.guilds.listForUser(userId)) {
      const view = views.get(guild.id);
      if (view === undefined || view.memberCount > presenceMaxGuildSize) continue;
      this.deliver({ ...presence, guild_id: guild.id }, { kind: 'guild', guildId: guild.id });
    }
    const partners = new Set<string>();
    for (const session of this.deps.sessions.all()) {
      if (session.userId !== userId && session.partnerIds.has(userId)) partners.add(session.userId);
    }
    if (partners.size > 0) this.deliver(presence, { kind: 'users', userIds: [...partners] });
  }

  private deliver(data: Presence, route: Envelope['header']['route']): void {
    const header = { id: `remote-presence:${++this.counter}`, type: 'PRESENCE_UPDATE', route };
    this.deps.deliverLocally({ header, dataJson: JSON.stringify(data) });
  }
}
