import { GatewayIntent, type RequestGuildMembersData } from '@concord/protocol';
import type { Store } from '../stores/ports';
import type { MemberRecord } from '../stores/records';
import { toGuildMember } from '../wire/guilds';
import { dispatchPrefix } from './Connection';
import type { GatewaySession } from './GatewaySession';
import type { PresenceTracker } from './PresenceTracker';

const CHUNK_SIZE = 1000;
const PAGE = 1000;

/**
 * REQUEST_GUILD_MEMBERS → GUILD_MEMBERS_CHUNK: members by id, by name prefix, or all of them, with
 * their presences on request. This is how clients get presence in large guilds, where it is not
 * pushed. Only guilds the session follows are answered.
 */
export async function sendMemberChunks(
  deps: { store: Store; tracker: PresenceTracker },
  session: GatewaySession,
  request: RequestGuildMembersData,
): Promise<void> {
  const guildIds = Array.isArray(request.guild_id) ? request.guild_id : [request.guild_id];
  const userIds = request.user_ids === undefined ? undefined : [request.user_ids].flat();
  const canList = (session.identity.intents & GatewayIntent.GUILD_MEMBERS) !== 0;
  const withPresences = request.presences === true && (session.identity.intents & GatewayIntent.GUILD_PRESENCES) !== 0;
  for (const guildId of guildIds) {
    if (!session.guildIds.has(guildId)) continue;
    const members =
      userIds !== undefined
        ? await byIds(deps.store, guildId, userIds)
        : canList || (request.query ?? '') !== ''
          ? await byQuery(deps.store, guildId, request.query ?? '', request.limit ?? 0)
          : [];
    const users = new Map((await deps.store.users.getMany(members.map((m) => m.userId))).map((u) => [u.id, u]));
    const listed = members.filter((m) => users.has(m.userId));
    const chunkCount = Math.max(1, Math.ceil(listed.length / CHUNK_SIZE));
    for (let index = 0; index < chunkCount; index++) {
      const slice = listed.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
      const chunk: Record<string, unknown> = {
        guild_id: guildId,
        members: slice.map((m) => toGuildMember(m, users.get(m.userId)!)),
        chunk_index: index,
        chunk_count: chunkCount,
      };
      if (index === 0 && userIds !== undefined) {
        chunk.not_found = userIds.filter((id) => !listed.some((m) => m.userId === id));
      }
      if (withPresences) {
        chunk.presences = (
          await deps.tracker.presencesOf(
            slice.map((m) => m.userId),
            guildId,
          )
        ).filter((p) => p.status !== 'offline');
      }
      if (request.nonce !== undefined) chunk.nonce = request.nonce;
      session.dispatch(dispatchPrefix('GUILD_MEMBERS_CHUNK', JSON.stringify(chunk)));
    }
  }
}

async function byIds(store: Store, guildId: string, userIds: string[]): Promise<MemberRecord[]> {
  const found = await Promise.all(userIds.map((id) => store.guilds.getMember(guildId, id)));
  return found.filter((m): m is MemberRecord => m !== undefined);
}

/** Name-prefix search over the member list, paging through it; limit 0 means all. */
async function byQuery(store: Store, guildId: string, query: string, limit: number): Promise<MemberRecord[]> {
  const wanted = limit === 0 ? Number.POSITIVE_INFINITY : limit;
  const prefix = query.toLowerCase();
  const result: MemberRecord[] = [];
  let after: string | undefined;
  while (result.length < wanted) {
    const page = await store.guilds.listMembers(guildId, { after, limit: PAGE });
    if (page.length === 0) break;
    after = page.at(-1)?.userId;
    if (prefix === '') {
      result.push(...page);
      continue;
    }
    const users = new Map((await store.users.getMany(page.map((m) => m.userId))).map((u) => [u.id, u]));
    for (const member of page) {
      const user = users.get(member.userId);
      const names = [member.nick, user?.username, user?.globalName].filter((n): n is string => typeof n === 'string');
      if (names.some((name) => name.toLowerCase().startsWith(prefix))) result.push(member);
    }
  }
  return result.slice(0, wanted);
}
