/**
 * Storage models: what the stores keep. They are deliberately apart from the wire shapes in
 * @concord/protocol; `http/serializers.ts` is the one place that converts, so a hash or a secret
 * field can never reach a response by accident. Ids are decimal snowflake strings; permission
 * bitfields are bigints; times are epoch milliseconds.
 */

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
  /** argon2id PHC string; null for bot users, which authenticate with tokens only. */
  passwordHash: string | null;
  flags: number;
  createdAt: number;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 of the token, hex. The token itself is never stored. */
  tokenHash: string;
  device: string | null;
  createdAt: number;
  lastUsedAt: number;
}

export interface ApplicationRecord {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  botUserId: string;
  createdAt: number;
}

export interface GuildRecord {
  id: string;
  name: string;
  icon: string | null;
  description: string | null;
  ownerId: string;
  systemChannelId: string | null;
  createdAt: number;
}

export interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: bigint;
  mentionable: boolean;
  /** Managed roles belong to a bot integration and cannot be assigned by hand. */
  managed: boolean;
}

export interface MemberRecord {
  guildId: string;
  userId: string;
  nick: string | null;
  /** Role ids other than @everyone (whose id is the guild id). */
  roleIds: string[];
  joinedAt: number;
}

export interface BanRecord {
  guildId: string;
  userId: string;
  reason: string | null;
  createdAt: number;
}

export interface InviteRecord {
  code: string;
  guildId: string;
  channelId: string;
  inviterId: string;
  maxAge: number;
  maxUses: number;
  uses: number;
  temporary: boolean;
  createdAt: number;
  /** null when the invite never expires. */
  expiresAt: number | null;
}

export interface OverwriteRecord {
  /** Role id (type 0) or user id (type 1). */
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ChannelRecord {
  id: string;
  type: number;
  guildId: string | null;
  name: string | null;
  topic: string | null;
  position: number;
  parentId: string | null;
  nsfw: boolean;
  rateLimitPerUser: number;
  /** Group DM owner. */
  ownerId: string | null;
  icon: string | null;
  overwrites: OverwriteRecord[];
  /** DM and group DM members; empty for guild channels. */
  recipientIds: string[];
  /** Head of the channel: the highest assigned `seq` (0 when empty) and its message id. */
  lastSeq: number;
  lastMessageId: string | null;
  createdAt: number;
}

/**
 * A channel without its head (`lastSeq`, `lastMessageId`, which move with every message): what
 * access checks and event routing read, and so what may be served from a per-node cache.
 */
export type ChannelDefinition = Omit<ChannelRecord, 'lastSeq' | 'lastMessageId'>;

export interface MessageRecord {
  channelId: string;
  seq: number;
  id: string;
  authorId: string;
  content: string;
  type: number;
  /** Normalised nonce (string form) used for idempotent sends, or null. */
  nonce: string | null;
  tts: boolean;
  flags: number;
  mentionEveryone: boolean;
  mentionUserIds: string[];
  mentionRoleIds: string[];
  referenceMessageId: string | null;
  referenceChannelId: string | null;
  pinned: boolean;
  createdAt: number;
  editedAt: number | null;
  /** Deleted messages stay as tombstones so `seq` stays gap-free; their content is erased. */
  deleted: boolean;
}

export interface ReactionCount {
  emoji: string;
  count: number;
  me: boolean;
}

export interface ReadStateRecord {
  userId: string;
  channelId: string;
  lastReadSeq: number;
  lastMessageId: string | null;
  mentionCount: number;
}
