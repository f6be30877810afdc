import type { AuthSession, User } from '@concord/protocol';
import type { SessionRecord, UserRecord } from '../stores/records';

/**
 * Storage → wire conversion for users. This folder is the only place records become wire objects
 * (for HTTP responses and gateway events alike), so secrets such as password hashes never leave.
 */
export function toUser(user: UserRecord): User {
  const wire: User = {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: user.avatar,
    public_flags: user.flags,
  };
  if (user.bot) wire.bot = true;
  return wire;
}

/** The caller's own user (`/users/@me`, READY): a few private fields more. */
export function toCurrentUser(user: UserRecord): User {
  return { ...toUser(user), flags: user.flags, mfa_enabled: false, verified: true };
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();

export function toAuthSession(session: SessionRecord, currentSessionId: string): AuthSession {
  return {
    id: session.id,
    device: session.device,
    created_at: isoTime(session.createdAt),
    last_used_at: isoTime(session.lastUsedAt),
    current: session.id === currentSessionId,
  };
}
