import type {
  ApplicationRecord,
  BanRecord,
  ChannelRecord,
  GuildRecord,
  InviteRecord,
  MemberRecord,
  MessageRecord,
  OverwriteRecord,
  ReactionCount,
  ReadStateRecord,
  RoleRecord,
  SessionRecord,
  UserRecord,
} from './records';

/**
 * Storage ports. Every engine (SQLite embedded, PostgreSQL in cluster mode) implements these and
 * must pass `test/conformance/*`, which exercises them only through these interfaces.
 *
 * Shared rules: ids are decimal strings; methods that find nothing resolve `undefined` (or `false`
 * for removals); a resolved write is durable (committed to disk), never merely buffered.
 */

export interface UserStore {
  /** Creates a user; resolves false (and writes nothing) when the username is taken. */
  create(user: UserRecord): Promise<boolean>;
  get(id: string): Promise<UserRecord | undefined>;
  /** Users with these ids, in no particular order; unknown ids are skipped. */
  getMany(ids: readonly string[]): Promise<UserRecord[]>;
  /** Case-insensitive lookup. */
  getByUsername(username: string): Promise<UserRecord | undefined>;
  /** Resolves the updated user, `undefined` if missing, or 'username_taken'. */
  update(
    id: string,
    patch: Partial<Pick<UserRecord, 'username' | 'globalName' | 'avatar' | 'passwordHash' | 'flags'>>,
  ): Promise<UserRecord | undefined | 'username_taken'>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  getByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  listForUser(userId: string): Promise<SessionRecord[]>;
  /** Sets `lastUsedAt` of several sessions in one transaction (missing ids are ignored). */
  touch(touches: ReadonlyArray<{ id: string; at: number }>): Promise<void>;
  /** Deletes one session of a user; false when it is not theirs or does not exist. */
  delete(userId: string, sessionId: string): Promise<boolean>;
  /** Deletes all of a user's sessions but `exceptId`; resolves the deleted session ids. */
  deleteAllForUser(userId: string, exceptId?: string): Promise<string[]>;
}

export interface ApplicationStore {
  /** Creates the application and its bot user atomically. */
  create(application: ApplicationRecord, botUser: UserRecord): Promise<boolean>;
  get(id: string): Promise<ApplicationRecord | undefined>;
  getByBotUser(botUserId: string): Promise<ApplicationRecord | undefined>;
  listForOwner(ownerId: string): Promise<ApplicationRecord[]>;
}

export interface MemberPage {
  /** Members with user id greater than `after`, ordered by user id. */
  after?: string;
  limit: number;
}

export interface BanPage {
  before?: string;
  after?: string;
  limit: number;
}

export interface NewGuild {
  guild: GuildRecord;
  /** @everyone: its id equals the guild id. */
  everyoneRole: RoleRecord;
  owner: MemberRecord;
  channels: ChannelRecord[];
}

export interface GuildStore {
  /** Creates guild, @everyone role, owner membership and initial channels in one transaction. */
  create(input: NewGuild): Promise<void>;
  get(id: string): Promise<GuildRecord | undefined>;
  update(
    id: string,
    patch: Partial<Pick<GuildRecord, 'name' | 'icon' | 'description' | 'ownerId' | 'systemChannelId'>>,
  ): Promise<GuildRecord | undefined>;
  /** Deletes the guild and everything in it (roles, members, bans, invites, channels, messages). */
  delete(id: string): Promise<boolean>;
  listForUser(userId: string): Promise<GuildRecord[]>;

  listRoles(guildId: string): Promise<RoleRecord[]>;
  getRole(guildId: string, roleId: string): Promise<RoleRecord | undefined>;
  createRole(role: RoleRecord): Promise<void>;
  updateRole(
    guildId: string,
    roleId: string,
    patch: Partial<Pick<RoleRecord, 'name' | 'color' | 'hoist' | 'permissions' | 'mentionable' | 'position'>>,
  ): Promise<RoleRecord | undefined>;
  /** Sets several role positions in one transaction. */
  setRolePositions(guildId: string, positions: ReadonlyArray<{ id: string; position: number }>): Promise<void>;
  /** Deletes the role and removes it from every member. */
  deleteRole(guildId: string, roleId: string): Promise<boolean>;

  /** Adds a member; false when already a member. */
  addMember(member: MemberRecord): Promise<boolean>;
  getMember(guildId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(guildId: string, page: MemberPage): Promise<MemberRecord[]>;
  countMembers(guildId: string): Promise<number>;
  updateMember(
    guildId: string,
    userId: string,
    patch: Partial<Pick<MemberRecord, 'nick' | 'roleIds'>>,
  ): Promise<MemberRecord | undefined>;
  removeMember(guildId: string, userId: string): Promise<boolean>;

  /** Records the ban and removes the membership in one transaction. False when already banned. */
  ban(ban: BanRecord): Promise<boolean>;
  getBan(guildId: string, userId: string): Promise<BanRecord | undefined>;
  listBans(guildId: string, page: BanPage): Promise<BanRecord[]>;
  unban(guildId: string, userId: string): Promise<boolean>;

  createInvite(invite: InviteRecord): Promise<void>;
  getInvite(code: string): Promise<InviteRecord | undefined>;
  listInvites(guildId: string): Promise<InviteRecord[]>;
  listChannelInvites(channelId: string): Promise<InviteRecord[]>;
  deleteInvite(code: string): Promise<boolean>;
  /**
   * Atomically counts one use of a live invite: resolves the updated invite, or undefined when it
   * does not exist, has expired at `now`, or is used up (a used-up invite is deleted).
   */
  useInvite(code: string, now: number): Promise<InviteRecord | undefined>;
}

export interface ChannelStore {
  create(channel: ChannelRecord): Promise<void>;
  get(id: string): Promise<ChannelRecord | undefined>;
  listForGuild(guildId: string): Promise<ChannelRecord[]>;
  update(
    id: string,
    patch: Partial<
      Pick<
        ChannelRecord,
        'name' | 'topic' | 'position' | 'parentId' | 'nsfw' | 'rateLimitPerUser' | 'icon' | 'ownerId' | 'overwrites'
      >
    >,
  ): Promise<ChannelRecord | undefined>;
  /** Deletes a channel and its messages, reactions, read states and invites. */
  delete(id: string): Promise<boolean>;
  setPositions(
    guildId: string,
    updates: ReadonlyArray<{ id: string; position?: number; parentId?: string | null }>,
  ): Promise<void>;
  setOverwrite(channelId: string, overwrite: OverwriteRecord): Promise<ChannelRecord | undefined>;
  deleteOverwrite(channelId: string, overwriteId: string): Promise<ChannelRecord | undefined>;

  /** Finds or atomically creates the one DM channel between two users (`candidate` if new). */
  openDm(candidate: ChannelRecord, userA: string, userB: string): Promise<{ channel: ChannelRecord; created: boolean }>;
  /** DMs and group DMs the user is a recipient of. */
  listPrivateForUser(userId: string): Promise<ChannelRecord[]>;
  /** false when already a recipient, or when the channel is full (`maxRecipients`). */
  addRecipient(channelId: string, userId: string, maxRecipients: number): Promise<boolean>;
  removeRecipient(channelId: string, userId: string): Promise<boolean>;
}

export interface NewMessage {
  channelId: string;
  authorId: string;
  content: string;
  type: number;
  nonce: string | null;
  tts: boolean;
  flags: number;
  mentionEveryone: boolean;
  mentionUserIds: string[];
  mentionRoleIds: string[];
  referenceMessageId: string | null;
  referenceChannelId: string | null;
  createdAt: number;
}

export interface AppendResult {
  message: MessageRecord;
  /** false when `(channel, author, nonce)` already existed: `message` is the original. */
  created: boolean;
}

export interface MessageRange {
  /** seq-based cursors (exclusive). */
  beforeSeq?: number;
  afterSeq?: number;
  /** id-based cursors (exclusive), as Discord's `before`/`after`; any snowflake works as a time cursor. */
  beforeId?: string;
  afterId?: string;
  limit: number;
}

export interface MessageStore {
  /**
   * Assigns the next `seq` of the channel (1-based, gap-free) and a snowflake id greater than every
   * earlier id in the channel, and commits durably before resolving. Concurrent appends are
   * group-committed. A repeated `(channelId, authorId, nonce)` resolves the original message with
   * `created: false` and writes nothing. Rejects if the channel does not exist.
   */
  append(message: NewMessage): Promise<AppendResult>;
  get(channelId: string, messageId: string): Promise<MessageRecord | undefined>;
  getBySeq(channelId: string, seq: number): Promise<MessageRecord | undefined>;
  /**
   * A range of one channel, including tombstones, newest first when paging backwards
   * (`before*` or no cursor) and oldest first when paging forwards (`after*`).
   */
  list(channelId: string, range: MessageRange): Promise<MessageRecord[]>;
  edit(
    channelId: string,
    messageId: string,
    patch: Pick<MessageRecord, 'content' | 'editedAt' | 'mentionEveryone' | 'mentionUserIds' | 'mentionRoleIds'> &
      Partial<Pick<MessageRecord, 'flags'>>,
  ): Promise<MessageRecord | undefined>;
  setPinned(channelId: string, messageId: string, pinned: boolean): Promise<MessageRecord | undefined>;
  /** Turns the message into a tombstone (content erased, reactions removed); false when missing. */
  delete(channelId: string, messageId: string): Promise<boolean>;
  /** Number of messages after `afterSeq` that mention the user, @everyone, or one of `roleIds`. */
  countMentions(channelId: string, userId: string, roleIds: readonly string[], afterSeq: number): Promise<number>;

  /** Adds a reaction; false when it already exists. `emoji` is the unicode character or `name:id`. */
  addReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean>;
  removeReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean>;
  /** Removes every reaction of the message, or of one emoji; resolves how many were removed. */
  clearReactions(channelId: string, messageId: string, emoji?: string): Promise<number>;
  /** User ids that reacted with `emoji`, ordered by user id, after `after`. */
  listReactionUsers(
    channelId: string,
    messageId: string,
    emoji: string,
    page: { after?: string; limit: number },
  ): Promise<string[]>;
  /** Reaction counts per message for a page of messages, with `me` for the viewer. */
  reactionCounts(
    channelId: string,
    messageIds: readonly string[],
    viewerId: string,
  ): Promise<Map<string, ReactionCount[]>>;
  /** How many distinct emoji the message carries. */
  countDistinctReactions(channelId: string, messageId: string): Promise<number>;
}

export interface ReadStateStore {
  /**
   * Moves the user's read marker in the channel to `seq` (never backwards unless `manual`), and sets
   * the mention count. Resolves the stored state.
   */
  ack(state: ReadStateRecord, manual: boolean): Promise<ReadStateRecord>;
  get(userId: string, channelId: string): Promise<ReadStateRecord | undefined>;
  listForUser(userId: string): Promise<ReadStateRecord[]>;
}

/** Told what the store does, for metrics; never on the correctness path. */
export interface StoreObserver {
  /** A group commit of `size` messages succeeded. */
  commitBatch(size: number): void;
}

/** The whole store of one engine. */
export interface Store {
  users: UserStore;
  sessions: SessionStore;
  applications: ApplicationStore;
  guilds: GuildStore;
  channels: ChannelStore;
  messages: MessageStore;
  readStates: ReadStateStore;
  /** Resolves when the engine answers a trivial query; rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Flushes pending group commits and closes connections. */
  close(): Promise<void>;
}
