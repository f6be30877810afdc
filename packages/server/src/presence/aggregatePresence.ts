import type { ClientStatus, Presence, PresenceStatus } from '@concord/protocol';
import type { SessionPresence, SessionStatus } from './PresenceStore';

/** Which status wins when a user's devices disagree: an explicit dnd beats online beats idle. */
const RANK: Record<SessionStatus, number> = { dnd: 3, online: 2, idle: 1, invisible: 0 };

function best(statuses: SessionStatus[]): SessionStatus | undefined {
  let winner: SessionStatus | undefined;
  for (const status of statuses) if (winner === undefined || RANK[status] > RANK[winner]) winner = status;
  return winner;
}

/** What others see of a user: invisible shows as offline, and so does having no session. */
export function visibleStatus(status: SessionStatus | undefined): PresenceStatus {
  return status === undefined || status === 'invisible' ? 'offline' : status;
}

/** The user's presence as others see it, from all of their live sessions. */
export function aggregatePresence(userId: string, sessions: readonly SessionPresence[], guildId?: string): Presence {
  const status = visibleStatus(best(sessions.map((s) => s.status)));
  const clientStatus: ClientStatus = {};
  if (status !== 'offline') {
    for (const kind of ['desktop', 'mobile', 'web'] as const) {
      const kindStatus = best(sessions.filter((s) => s.clientKind === kind).map((s) => s.status));
      if (kindStatus !== undefined && kindStatus !== 'invisible') clientStatus[kind] = kindStatus;
    }
  }
  const leader = sessions.find((s) => s.status !== 'invisible' && s.activities.length > 0);
  const presence: Presence = {
    user: { id: userId },
    status,
    activities: status === 'offline' ? [] : [...(leader?.activities ?? [])],
    client_status: clientStatus,
  };
  if (guildId !== undefined) presence.guild_id = guildId;
  return presence;
}

/** Two presences look the same to an observer (so no PRESENCE_UPDATE is needed). */
export function samePresence(a: Presence, b: Presence): boolean {
  return (
    a.status === b.status &&
    JSON.stringify(a.client_status) === JSON.stringify(b.client_status) &&
    JSON.stringify(a.activities) === JSON.stringify(b.activities)
  );
}
