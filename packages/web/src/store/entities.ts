import type { Channel, Guild, GuildMember, PresenceStatus, User } from '@concord/protocol';
import type { ClientCache } from '@concord/sdk';
import { create } from 'zustand';

/** What the gateway said about guilds, channels, members and presence: a snapshot of the SDK's cache. */
export interface EntitiesState {
  me: User | undefined;
  guilds: Record<string, Guild>;
  /** Guild ids in the order they were joined (the rail's order). */
  guildOrder: string[];
  channels: Record<string, Channel>;
  members: Record<string, Record<string, GuildMember>>;
  /** Aggregated status by user id (absent: offline). */
  presences: Record<string, PresenceStatus>;
  /** Users seen anywhere (members, DM recipients, message authors), for names and DMs. */
  users: Record<string, User>;
}

/** The state of a signed-out client: the store starts here and returns here at logout. */
export function emptyEntities(): EntitiesState {
  return { me: undefined, guilds: {}, guildOrder: [], channels: {}, members: {}, presences: {}, users: {} };
}

export const useEntities = create<EntitiesState>(emptyEntities);

export type CachePart = 'me' | 'guilds' | 'channels' | 'members' | 'presences';

/** Copies the named parts of the SDK cache into the store (new objects, so React re-renders). */
export function snapshotCache(cache: ClientCache, parts: readonly CachePart[]): void {
  const next: Partial<EntitiesState> = {};
  const state = useEntities.getState();
  let users: Record<string, User> | undefined;
  const addUser = (user: User): void => {
    users ??= { ...state.users };
    if (users[user.id] !== user) users[user.id] = user;
  };
  for (const part of parts) {
    switch (part) {
      case 'me':
        next.me = cache.user;
        if (cache.user !== undefined) addUser(cache.user);
        break;
      case 'guilds': {
        next.guilds = Object.fromEntries(cache.guilds);
        const known = state.guildOrder.filter((id) => cache.guilds.has(id));
        const added = [...cache.guilds.keys()].filter((id) => !known.includes(id));
        next.guildOrder = [...known, ...added];
        break;
      }
      case 'channels':
        next.channels = Object.fromEntries(cache.channels);
        for (const channel of cache.channels.values()) for (const user of channel.recipients ?? []) addUser(user);
        break;
      case 'members':
        next.members = Object.fromEntries(
          [...cache.members].map(([guildId, members]) => [guildId, Object.fromEntries(members)]),
        );
        for (const members of cache.members.values()) for (const member of members.values()) addUser(member.user);
        break;
      case 'presences':
        next.presences = Object.fromEntries([...cache.presences].map(([id, presence]) => [id, presence.status]));
        break;
    }
  }
  if (users !== undefined) next.users = users;
  useEntities.setState(next);
}

/** Remembers users met outside the cache (message authors, mentions, REST member pages). */
export function rememberUsers(list: readonly User[]): void {
  const current = useEntities.getState().users;
  const missing = list.filter((user) => current[user.id] === undefined);
  if (missing.length === 0) return;
  useEntities.setState({ users: { ...current, ...Object.fromEntries(missing.map((user) => [user.id, user])) } });
}

export function displayName(user: Pick<User, 'username' | 'global_name'> | undefined): string {
  if (user === undefined) return 'Unknown user';
  return user.global_name ?? user.username;
}

/** A member's name in a guild: nickname, then display name, then username. */
export function memberName(guildId: string | undefined, userId: string): string {
  const state = useEntities.getState();
  const member = guildId === undefined ? undefined : state.members[guildId]?.[userId];
  return member?.nick ?? displayName(member?.user ?? state.users[userId]);
}
