import { TypingWindow } from './TypingWindow';
import type { PresenceStore, SessionPresence } from './PresenceStore';

/**
 * The embedded presence store: in memory, bounded by the sessions that exist. A user's sessions are
 * a short array, not a map: most users have one or two, and with one entry per connected user a
 * map each would cost more memory than the presences themselves.
 */
export class InProcessPresenceStore implements PresenceStore {
  private readonly byUser = new Map<string, SessionPresence[]>();
  private readonly typing = new TypingWindow();

  async set(presence: SessionPresence): Promise<void> {
    const entry = { ...presence, activities: [...presence.activities] };
    const sessions = this.byUser.get(presence.userId);
    if (sessions === undefined) {
      this.byUser.set(presence.userId, [entry]);
      return;
    }
    const at = sessions.findIndex((s) => s.sessionId === presence.sessionId);
    if (at === -1) sessions.push(entry);
    else sessions[at] = entry;
  }

  async remove(userId: string, sessionId: string): Promise<void> {
    const sessions = this.byUser.get(userId)?.filter((s) => s.sessionId !== sessionId);
    if (sessions === undefined) return;
    if (sessions.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, sessions);
  }

  async sessionsOf(userId: string): Promise<SessionPresence[]> {
    return [...(this.byUser.get(userId) ?? [])];
  }

  async sessionsOfMany(userIds: readonly string[]): Promise<Map<string, SessionPresence[]>> {
    const result = new Map<string, SessionPresence[]>();
    for (const userId of userIds) {
      const sessions = this.byUser.get(userId);
      if (sessions !== undefined) result.set(userId, [...sessions]);
    }
    return result;
  }

  async startTyping(channelId: string, userId: string, now: number, windowMs: number): Promise<boolean> {
    return this.typing.start(channelId, userId, now, windowMs);
  }

  async stopTyping(channelId: string, userId: string): Promise<void> {
    this.typing.stop(channelId, userId);
  }

  /** One process holds every session: none outlives its node, so nothing ever expires or returns. */
  onRemoteChange(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.byUser.clear();
    this.typing.clear();
  }
}
