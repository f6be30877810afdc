import { TypingWindow } from './TypingWindow';
import type { PresenceStore, SessionPresence } from './PresenceStore';

/** The embedded presence store: maps in memory, bounded by the sessions that exist. */
export class InProcessPresenceStore implements PresenceStore {
  private readonly byUser = new Map<string, Map<string, SessionPresence>>();
  private readonly typing = new TypingWindow();

  async set(presence: SessionPresence): Promise<void> {
    let sessions = this.byUser.get(presence.userId);
    if (sessions === undefined) {
      sessions = new Map();
      this.byUser.set(presence.userId, sessions);
    }
    sessions.set(presence.sessionId, { ...presence, activities: [...presence.activities] });
  }

  async remove(userId: string, sessionId: string): Promise<void> {
    const sessions = this.byUser.get(userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(userId);
  }

  async sessionsOf(userId: string): Promise<SessionPresence[]> {
    return [...(this.byUser.get(userId)?.values() ?? [])];
  }

  async sessionsOfMany(userIds: readonly string[]): Promise<Map<string, SessionPresence[]>> {
    const result = new Map<string, SessionPresence[]>();
    for (const userId of userIds) {
      const sessions = this.byUser.get(userId);
      if (sessions !== undefined) result.set(userId, [...sessions.values()]);
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
