import type { GatewayGuild, ReadyData } from '@concord/protocol';
import type { Services } from '../services';
import type { Store } from '../stores/ports';
import type { UserRecord } from '../stores/records';
import { toPrivateChannel } from '../wire/channels';
import { toCurrentUser } from '../wire/users';
import { dispatchPrefix } from './Connection';
import type { GatewaySession } from './GatewaySession';
import type { PresenceTracker } from './PresenceTracker';

/**
 * Assembles what a fresh session is sent first: READY (user, unavailable guild stubs, private
 * channels with their heads, read states, DM partners' presences), then one GUILD_CREATE per guild
 * with each visible channel's `last_seq`, so the client knows where every channel stands.
 */
export class ReadyBuilder {
  constructor(
    private readonly store: Store,
    private readonly services: Services,
    private readonly presence: PresenceTracker,
    private readonly maxPresenceGuildSize: number,
  ) {}

  async build(session: GatewaySession, user: UserRecord, resumeUrl: string): Promise<Buffer[]> {
    const guildIds = [...session.guildIds];
    const [privateChannels, readStates, guilds, application] = await Promise.all([
      this.services.channels.listPrivateChannels(user.id),
      this.services.readStates.list(user.id),
      Promise.all(guildIds.map((id) => this.services.guilds.gatewayGuild(id, user.id))),
      user.bot ? this.store.applications.getByBotUser(user.id) : Promise.resolve(undefined),
    ]);
    for (const channel of privateChannels.channels) {
      for (const id of channel.recipientIds) if (id !== user.id) session.partnerIds.add(id);
    }
    const ready: ReadyData = {
      v: 10,
      user: toCurrentUser(user),
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      private_channels: privateChannels.channels.map((c) =>
        toPrivateChannel(c, { userId: user.id, users: privateChannels.users }),
      ),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: resumeUrl,
      read_state: { version: 1, partial: false, entries: readStates },
      presences: await this.presence.presencesOf([...session.partnerIds]),
      relationships: [],
      shard: [...session.identity.shard],
    };
    if (application !== undefined) ready.application = { id: application.id, flags: 0 };
    const frames = [frame('READY', ready)];
    for (const guild of guilds) {
      if (guild === undefined) continue;
      frames.push(frame('GUILD_CREATE', await this.withPresences(guild)));
    }
    return frames;
  }

  /** A small guild's GUILD_CREATE lists the presences of the members it lists. */
  private async withPresences(guild: GatewayGuild): Promise<GatewayGuild> {
    if (guild.member_count > this.maxPresenceGuildSize) return guild;
    const ids = guild.members.map((m) => m.user.id);
    const presences = (await this.presence.presencesOf(ids)).filter((p) => p.status !== 'offline');
    return { ...guild, presences };
  }
}

function frame(type: string, data: unknown): Buffer {
  return dispatchPrefix(type, JSON.stringify(data));
}
