import { api, mapLimit } from './rest';
import { dmLobbies, gatewayUrlOf, layoutChannels, type Layout, type World } from './world';

const SETUP_CONCURRENCY = 16;

/**
 * Builds the fan-out guilds and DMs over REST, exactly as clients do: the owner creates a guild and
 * an invite to its #general, the members accept it; the first of each pair opens a DM. Used for
 * --target; a server started here is seeded the same way through its services (seedConcord.ts).
 */
export async function buildConcordWorld(
  baseUrl: string,
  layout: Layout,
  tokens: string[],
  userIds: string[],
  history: World['history'],
): Promise<World> {
  /** A guild owned by the first of `members`, joined by the rest through an invite; its #general. */
  const guildOf = async (members: number[], name: string): Promise<string> => {
    const owner = tokens[members[0] as number] as string;
    const guild = await api<{ system_channel_id: string }>(baseUrl, 'POST', '/guilds', owner, { name });
    const channelId = guild.system_channel_id;
    const invite = await api<{ code: string }>(baseUrl, 'POST', `/channels/${channelId}/invites`, owner, {
      max_age: 0,
      max_uses: 0,
    });
    await mapLimit(members.slice(1), 4, (user) =>
      api(baseUrl, 'POST', `/invites/${invite.code}`, tokens[user] as string, {}),
    );
    return channelId;
  };
  const fanoutIds = await mapLimit(
    Array.from({ length: layout.fanoutChannels }, (_, c) => c),
    SETUP_CONCURRENCY,
    (c) =>
      guildOf(
        Array.from({ length: layout.fanoutMembers }, (_, m) => c * layout.fanoutMembers + m),
        `bench ${c}`,
      ),
  );
  await mapLimit(dmLobbies(layout), SETUP_CONCURRENCY, (members, l) => guildOf(members, `bench lobby ${l}`));
  const firstDmUser = layout.fanoutChannels * layout.fanoutMembers;
  const dmIds = await mapLimit(
    Array.from({ length: layout.dmPairs }, (_, p) => p),
    SETUP_CONCURRENCY,
    async (p) => {
      const a = firstDmUser + 2 * p;
      const dm = await api<{ id: string }>(baseUrl, 'POST', '/users/@me/channels', tokens[a] as string, {
        recipient_id: userIds[a + 1],
      });
      return dm.id;
    },
  );
  const { fanout, dms } = layoutChannels(layout, fanoutIds, dmIds);
  return { baseUrl, gatewayUrl: gatewayUrlOf(baseUrl), tokens, fanout, dms, history, announceChannels: false };
}

/** --target: a cluster we did not seed; users register over REST (argon2 on the server: slow). */
export async function registerUsers(
  baseUrl: string,
  count: number,
  runId: string,
): Promise<{ tokens: string[]; userIds: string[] }> {
  const registered = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    8,
    (i) =>
      api<{ token: string; user_id: string }>(baseUrl, 'POST', '/auth/register', null, {
        username: `b${runId}u${i}`,
        password: 'concord-bench-password',
      }),
  );
  return { tokens: registered.map((r) => r.token), userIds: registered.map((r) => r.user_id) };
}
