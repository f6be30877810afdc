import type { Presence } from '@concord/protocol';
import type { RemoteChange } from '../presence/PresenceStore';
import type { Store } from '../stores/ports';
import type { Envelope } from './EventEnvelope';
import type { GuildViews } from './GuildViews';
import type { PresenceTracker } from './PresenceTracker';
import type { SessionRegistry } from './SessionRegistry';

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
 * Announces the presence changes no tracker announces: a user of a node that crashed (or was cut off
 * from NATS) goes offline when their presence entries expire, and is back if that node's entries
 * return. Every node sees the expiry in its own copy of the presence bucket, so each tells only its
 * own sessions — those sharing a guild (up to the presence size limit) or a DM with the user — and
 * every device hears it once, with no bus message and no election.
 */
export class RemotePresence {
  private counter = 0;

  constructor(private readonly deps: RemotePresenceDeps) {}

  async changed(userId: string, change: RemoteChange): Promise<void> {
    const presence = await this.deps.tracker.presenceOf(userId);
    // An expiry is news only if it took the user offline (another live session keeps them on); a
    // return only if it brought them back.
    if ((presence.status === 'offline') !== (change === 'expired')) return;
    const { views, presenceMaxGuildSize } = this.deps;
    // Confinement: only guilds the user really is in (from the store, since this node holds no
    // session of theirs), and of those only the ones this node follows.
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
