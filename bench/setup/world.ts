/**
 * The population a benchmark run drives, the same shape on both servers: users (one gateway
 * session each), fan-out channels (one guild per channel, `members` members, the owner sends), DM
 * pairs (the first of the pair sends), and for Concord a history channel.
 */
export interface BenchChannel {
  id: string;
  /** User indexes of the channel's members: every one must receive every message once. */
  members: number[];
  /** The user index that sends into the channel. */
  sender: number;
}

export interface World {
  baseUrl: string;
  gatewayUrl: string;
  tokens: string[];
  fanout: BenchChannel[];
  dms: BenchChannel[];
  history: { channelId: string; token: string; messages: number } | null;
  /** Baseline only: sessions list their channels in IDENTIFY. */
  announceChannels: boolean;
}

export interface Layout {
  users: number;
  fanoutChannels: number;
  fanoutMembers: number;
  dmPairs: number;
}

/** Which users are in which fan-out channel and DM: fan-out users first, then DM pairs. */
export function layoutChannels(
  layout: Layout,
  fanoutIds: string[],
  dmIds: string[],
): { fanout: BenchChannel[]; dms: BenchChannel[] } {
  const fanout = fanoutIds.map((id, c) => {
    const members = Array.from({ length: layout.fanoutMembers }, (_, m) => c * layout.fanoutMembers + m);
    return { id, members, sender: members[0] as number };
  });
  const firstDmUser = layout.fanoutChannels * layout.fanoutMembers;
  const dms = dmIds.map((id, p) => {
    const a = firstDmUser + 2 * p;
    return { id, members: [a, a + 1], sender: a };
  });
  return { fanout, dms };
}

/**
 * Concord, like Discord, lets users DM only someone they share a guild with: DM pairs meet in small
 * "lobby" guilds (as large as a fan-out guild) where nothing is sent.
 */
export function dmLobbies(layout: Layout): number[][] {
  const firstDmUser = layout.fanoutChannels * layout.fanoutMembers;
  const dmUsers = Array.from({ length: 2 * layout.dmPairs }, (_, i) => firstDmUser + i);
  const size = Math.max(2, layout.fanoutMembers - (layout.fanoutMembers % 2));
  return Array.from({ length: Math.ceil(dmUsers.length / size) }, (_, l) => dmUsers.slice(l * size, (l + 1) * size));
}

export function channelsByUser(world: World): string[][] {
  const byUser: string[][] = world.tokens.map(() => []);
  for (const channel of [...world.fanout, ...world.dms]) {
    for (const member of channel.members) byUser[member]?.push(channel.id);
  }
  return byUser;
}

export function gatewayUrlOf(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/gateway?v=10&encoding=json`;
}

/** The baseline needs no setup: synthetic channel ids, tokens it ignores. */
export function baselineWorld(baseUrl: string, layout: Layout): World {
  const { fanout, dms } = layoutChannels(
    layout,
    Array.from({ length: layout.fanoutChannels }, (_, c) => String(1_000_000 + c)),
    Array.from({ length: layout.dmPairs }, (_, p) => String(2_000_000 + p)),
  );
  return {
    baseUrl,
    gatewayUrl: gatewayUrlOf(baseUrl),
    tokens: Array.from({ length: layout.users }, (_, i) => `baseline-${i}`),
    fanout,
    dms,
    history: null,
    announceChannels: true,
  };
}
