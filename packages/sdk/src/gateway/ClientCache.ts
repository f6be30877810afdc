import type { Channel, Guild, GuildMember, Presence, ReadState, ReadyData, User } from '@concord/protocol';
import type { GatewayDispatchEvents, GatewayDispatchName } from './events';

/** A typed dispatch: `t` narrows `d`. */
export type Dispatch = { [K in GatewayDispatchName]: { t: K; d: GatewayDispatchEvents[K] } }[GatewayDispatchName];

/** A read marker, with the version of the MESSAGE_ACK that set it (READY's entries have none). */
export type CachedReadState = ReadState & { version?: number };

/**
 * What the gateway has told this client, kept current from READY, GUILD_CREATE and the events that
 * change it — so an app (or a test) can ask "which channels can I see, who is online, what have I
 * read" without REST calls. Guilds are kept without their member/channel/presence lists, which live
 * in their own maps.
 */
export class ClientCache {
  user: User | undefined;
  readonly guilds = new Map<string, Guild>();
  /** Guilds named in READY whose GUILD_CREATE has not arrived yet. */
  readonly unavailableGuilds = new Set<string>();
  /** Guild channels and private channels (DMs, group DMs) by id. */
  readonly channels = new Map<string, Channel>();
  /** Members by guild id, then user id (only what GUILD_CREATE and member events brought). */
  readonly members = new Map<string, Map<string, GuildMember>>();
  /** The latest presence of each user (Concord aggregates presence per user, across guilds). */
  readonly presences = new Map<string, Presence>();
  readonly readStates = new Map<string, CachedReadState>();

  /** Ids of a guild's channels (e.g. to stop syncing them when the guild goes away). */
  guildChannelIds(guildId: string): string[] {
    return [...this.channels.values()].filter((channel) => channel.guild_id === guildId).map((channel) => channel.id);
  }

  apply(dispatch: Dispatch): void {
    switch (dispatch.t) {
      case 'READY':
        return this.applyReady(dispatch.d);
      case 'GUILD_CREATE': {
        const { channels, members, presences, threads: _t, voice_states: _v, ...guild } = dispatch.d;
        this.unavailableGuilds.delete(guild.id);
        this.guilds.set(guild.id, guild);
        for (const channel of this.guildChannelIds(guild.id)) this.channels.delete(channel);
        for (const channel of channels) this.channels.set(channel.id, { ...channel, guild_id: guild.id });
        this.members.set(guild.id, new Map(members.map((member) => [member.user.id, member])));
        for (const presence of presences as Presence[]) this.presences.set(presence.user.id, presence);
        return;
      }
      case 'GUILD_UPDATE': {
        const current = this.guilds.get(dispatch.d.id);
        this.guilds.set(dispatch.d.id, { ...current, ...dispatch.d });
        return;
      }
      case 'GUILD_DELETE': {
        const guildId = dispatch.d.id;
        for (const channel of this.guildChannelIds(guildId)) this.channels.delete(channel);
        this.guilds.delete(guildId);
        this.members.delete(guildId);
        // `unavailable: true` is an outage: the guild comes back with a GUILD_CREATE.
        if (dispatch.d.unavailable === true) this.unavailableGuilds.add(guildId);
        return;
      }
      case 'GUILD_MEMBER_ADD':
      case 'GUILD_MEMBER_UPDATE': {
        const { guild_id: guildId, ...member } = dispatch.d;
        this.membersOf(guildId).set(member.user.id, member);
        return;
      }
      case 'GUILD_MEMBER_REMOVE':
        this.members.get(dispatch.d.guild_id)?.delete(dispatch.d.user.id);
        return;
      case 'GUILD_ROLE_CREATE':
      case 'GUILD_ROLE_UPDATE':
        return this.updateRoles(dispatch.d.guild_id, (roles) => [
          ...roles.filter((role) => role.id !== dispatch.d.role.id),
          dispatch.d.role,
        ]);
      case 'GUILD_ROLE_DELETE':
        return this.updateRoles(dispatch.d.guild_id, (roles) => roles.filter((role) => role.id !== dispatch.d.role_id));
      case 'CHANNEL_CREATE':
      case 'CHANNEL_UPDATE':
        this.channels.set(dispatch.d.id, dispatch.d);
        return;
      case 'CHANNEL_DELETE':
        this.channels.delete(dispatch.d.id);
        return;
      case 'MESSAGE_CREATE': {
        const channel = this.channels.get(dispatch.d.channel_id);
        // Only forward: a replayed or reordered event must not move the head back.
        if (channel !== undefined && dispatch.d.seq > channel.last_seq) {
          this.channels.set(channel.id, { ...channel, last_seq: dispatch.d.seq, last_message_id: dispatch.d.id });
        }
        return;
      }
      case 'MESSAGE_ACK': {
        const ack = dispatch.d;
        const current = this.readStates.get(ack.channel_id);
        if (current?.version !== undefined && ack.version <= current.version) return;
        this.readStates.set(ack.channel_id, {
          id: ack.channel_id,
          last_message_id: ack.message_id,
          mention_count: ack.mention_count,
          last_seq: ack.seq,
          version: ack.version,
        });
        return;
      }
      case 'PRESENCE_UPDATE':
        this.presences.set(dispatch.d.user.id, dispatch.d);
        return;
      case 'USER_UPDATE':
        if (this.user?.id === dispatch.d.id) this.user = { ...this.user, ...dispatch.d };
        return;
      default:
        return;
    }
  }

  private applyReady(ready: ReadyData): void {
    this.user = ready.user;
    this.guilds.clear();
    this.unavailableGuilds.clear();
    this.channels.clear();
    this.members.clear();
    this.presences.clear();
    this.readStates.clear();
    for (const guild of ready.guilds) this.unavailableGuilds.add(guild.id);
    for (const channel of ready.private_channels) this.channels.set(channel.id, channel);
    for (const presence of ready.presences) this.presences.set(presence.user.id, presence);
    for (const entry of ready.read_state.entries) this.readStates.set(entry.id, entry);
  }

  private membersOf(guildId: string): Map<string, GuildMember> {
    let members = this.members.get(guildId);
    if (members === undefined) {
      members = new Map();
      this.members.set(guildId, members);
    }
    return members;
  }

  private updateRoles(guildId: string, change: (roles: Guild['roles']) => Guild['roles']): void {
    const guild = this.guilds.get(guildId);
    if (guild !== undefined) this.guilds.set(guildId, { ...guild, roles: change(guild.roles) });
  }
}
