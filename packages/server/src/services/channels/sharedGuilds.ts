import type { Store } from '../../stores/ports';

/**
 * Which of `otherIds` share at least one guild with `userId`: the rule for who may open a DM or
 * add someone to a group DM. Two reads per pair at most (a user is in ≤ Limits.guildsPerUser guilds).
 */
export async function usersSharingAGuild(
  store: Store,
  userId: string,
  otherIds: readonly string[],
): Promise<Set<string>> {
  if (otherIds.length === 0) return new Set();
  const mine = new Set((await store.guilds.listForUser(userId)).map((g) => g.id));
  if (mine.size === 0) return new Set();
  const theirs = await Promise.all(otherIds.map((id) => store.guilds.listForUser(id)));
  return new Set(otherIds.filter((_, i) => theirs[i]?.some((g) => mine.has(g.id)) ?? false));
}
