/**
 * Remembers, per (channel, user), until when a TYPING_START was already sent, so a client repeating
 * its typing call inside the window does not fan out again. Bounded: expired marks are swept once
 * the map grows past `maxEntries`.
 */
export class TypingWindow {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** True (and marks the pair) unless the pair was marked within `windowMs` before `now`. */
  start(channelId: string, userId: string, now: number, windowMs: number): boolean {
    const key = `${channelId}:${userId}`;
    const until = this.until.get(key);
    if (until !== undefined && until > now) return false;
    this.until.set(key, now + windowMs);
    if (this.until.size > this.maxEntries) {
      for (const [k, expiry] of this.until) if (expiry <= now) this.until.delete(k);
    }
    return true;
  }

  /** The user sent a message: their next typing call starts a new indicator at once. */
  stop(channelId: string, userId: string): void {
    this.until.delete(`${channelId}:${userId}`);
  }

  clear(): void {
    this.until.clear();
  }
}
