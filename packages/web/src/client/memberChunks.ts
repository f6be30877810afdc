import type { GatewayGuild, GuildMember, Presence } from '@concord/protocol';
import type { GatewayClient } from '@concord/sdk';
import { snapshotCache } from '../store/entities';

/** Above this many members the list is fetched on demand only (Discord's "large" guilds). */
const FULL_LIST_LIMIT = 1000;

interface MembersChunk {
  guild_id: string;
  members: GuildMember[];
  presences?: Presence[];
}

/**
 * A guild joined while connected arrives without presences: ask for its members with their
 * presences (op 8), as Discord clients do for guilds whose member list is not pushed.
 */
export function requestPresencesIfMissing(gw: GatewayClient, guild: GatewayGuild): void {
  if (guild.presences.length > 0 || guild.member_count <= 1 || guild.member_count > FULL_LIST_LIMIT) return;
  gw.requestGuildMembers({ guild_id: guild.id, query: '', limit: 0, presences: true });
}

/** GUILD_MEMBERS_CHUNK: what the gateway said about members and presences, kept in the SDK's cache. */
export function applyMembersChunk(gw: GatewayClient, data: unknown): void {
  const chunk = data as MembersChunk;
  let members = gw.cache.members.get(chunk.guild_id);
  if (members === undefined) {
    members = new Map();
    gw.cache.members.set(chunk.guild_id, members);
  }
  for (const member of chunk.members) members.set(member.user.id, member);
  for (const presence of chunk.presences ?? []) {
    // A PRESENCE_UPDATE that came first is newer than the chunk's snapshot.
    if (!gw.cache.presences.has(presence.user.id)) gw.cache.presences.set(presence.user.id, presence);
  }
  snapshotCache(gw.cache, ['members', 'presences']);
}

/** A member who joined while this client was connected: their presence is not pushed with the join. */
export function requestMemberPresence(gw: GatewayClient, guildId: string, userId: string): void {
  if (userId === gw.cache.user?.id) return;
  gw.requestGuildMembers({ guild_id: guildId, user_ids: [userId], presences: true });
}
