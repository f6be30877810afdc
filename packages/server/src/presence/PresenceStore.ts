import type { Activity } from '@concord/protocol';

/** What a user's device says about itself; a user's presence is the aggregate of their sessions. */
export type SessionStatus = 'online' | 'idle' | 'dnd' | 'invisible';
export type ClientKind = 'desktop' | 'mobile' | 'web';

/** What happened to another node's session without that node saying so. */
export type RemoteChange = 'expired' | 'returned';

export interface SessionPresence {
  userId: string;
  /** The gateway session id. */
  sessionId: string;
  status: SessionStatus;
  clientKind: ClientKind;
  activities: Activity[];
}

/**
 * Who is online, per gateway session. Heartbeats and status changes never touch the database:
 * embedded this is a map; in a cluster, a TTL'd key-value store that a node renews while its
 * sessions live, so a crashed node's users go offline by themselves.
 *
 * Contract: `set` replaces the session's entry; `remove` of a missing entry is a no-op;
 * `sessionsOf` returns the live entries of a user in no particular order.
 */
export interface PresenceStore {
  set(presence: SessionPresence): Promise<void>;
  remove(userId: string, sessionId: string): Promise<void>;
  sessionsOf(userId: string): Promise<SessionPresence[]>;
  sessionsOfMany(userIds: readonly string[]): Promise<Map<string, SessionPresence[]>>;
  /**
   * Marks the user as typing in the channel; resolves false when they were already marked within
   * `windowMs`, so repeated typing calls do not fan out again.
   */
  startTyping(channelId: string, userId: string, now: number, windowMs: number): Promise<boolean>;
  /**
   * The user's message arrived (clients hide their indicator then): their next `startTyping` in the
   * channel is announced again, whatever the window.
   */
  stopTyping(channelId: string, userId: string): Promise<void>;
  /**
   * Calls `listener` when a session of the user held by another node expired (that node crashed or
   * was cut off, so nobody announced it) or came back after such an expiry; several sessions of one
   * user changing together make one call. Each node hears of it from its own copy. Engines whose
   * entries never expire (embedded) never call it. Returns the way to stop.
   */
  onRemoteChange(listener: (userId: string, change: RemoteChange) => void): () => void;
  close(): Promise<void>;
}
