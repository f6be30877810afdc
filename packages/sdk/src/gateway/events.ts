import type {
  Channel,
  ChannelPinsUpdateEvent,
  ChannelRecipientEvent,
  GatewayGuild,
  Guild,
  GuildDeleteEvent,
  GuildMemberEvent,
  GuildRoleDeleteEvent,
  GuildRoleEvent,
  GuildUserEvent,
  InviteCreateEvent,
  InviteDeleteEvent,
  Message,
  MessageAckEvent,
  MessageDeleteBulkEvent,
  MessageDeleteEvent,
  MessageMember,
  MessageReactionEvent,
  MessageReactionRemoveAllEvent,
  MessageReactionRemoveEmojiEvent,
  Presence,
  ReadyData,
  TypingStart,
  User,
} from '@concord/protocol';
import type { GatewayError } from './GatewayError';

/** MESSAGE_CREATE as the gateway sends it: in a guild, with the author's member. */
export type MessageCreateEvent = Message & { member?: MessageMember };

/** The gateway's dispatch events (`op: 0`), by `t`, with the type of their `d`. */
export interface GatewayDispatchEvents {
  READY: ReadyData;
  /** Sent after a successful RESUME has replayed what was missed. */
  RESUMED: Record<string, never>;
  GUILD_CREATE: GatewayGuild;
  GUILD_UPDATE: Guild;
  GUILD_DELETE: GuildDeleteEvent;
  GUILD_MEMBER_ADD: GuildMemberEvent;
  GUILD_MEMBER_UPDATE: GuildMemberEvent;
  GUILD_MEMBER_REMOVE: GuildUserEvent;
  GUILD_BAN_ADD: GuildUserEvent;
  GUILD_BAN_REMOVE: GuildUserEvent;
  GUILD_ROLE_CREATE: GuildRoleEvent;
  GUILD_ROLE_UPDATE: GuildRoleEvent;
  GUILD_ROLE_DELETE: GuildRoleDeleteEvent;
  CHANNEL_CREATE: Channel;
  CHANNEL_UPDATE: Channel;
  CHANNEL_DELETE: Channel;
  CHANNEL_PINS_UPDATE: ChannelPinsUpdateEvent;
  CHANNEL_RECIPIENT_ADD: ChannelRecipientEvent;
  CHANNEL_RECIPIENT_REMOVE: ChannelRecipientEvent;
  INVITE_CREATE: InviteCreateEvent;
  INVITE_DELETE: InviteDeleteEvent;
  MESSAGE_CREATE: MessageCreateEvent;
  MESSAGE_UPDATE: Message;
  MESSAGE_DELETE: MessageDeleteEvent;
  MESSAGE_DELETE_BULK: MessageDeleteBulkEvent;
  MESSAGE_ACK: MessageAckEvent;
  MESSAGE_REACTION_ADD: MessageReactionEvent;
  MESSAGE_REACTION_REMOVE: MessageReactionEvent;
  MESSAGE_REACTION_REMOVE_ALL: MessageReactionRemoveAllEvent;
  MESSAGE_REACTION_REMOVE_EMOJI: MessageReactionRemoveEmojiEvent;
  PRESENCE_UPDATE: Presence;
  TYPING_START: TypingStart;
  USER_UPDATE: User;
}

export type GatewayDispatchName = keyof GatewayDispatchEvents;

/** Any dispatch, typed or not (an event this SDK version does not know still arrives here). */
export interface RawDispatch {
  t: string;
  s: number | null;
  d: unknown;
}

/** Where the connection is. */
export type GatewayState =
  /** Not started yet. */
  | 'idle'
  /** Looking up the URL, opening the socket, waiting for HELLO. */
  | 'connecting'
  /** IDENTIFY sent (or about to be, after INVALID_SESSION), waiting for READY. */
  | 'identifying'
  /** RESUME sent, receiving the replay, waiting for RESUMED. */
  | 'resuming'
  /** Session live: dispatches flow. */
  | 'ready'
  /** Between connections, waiting out the backoff delay. */
  | 'reconnecting'
  /** `close()` was called or a fatal close code arrived; `connect()` starts again. */
  | 'closed';

export interface ReconnectInfo {
  /** 0 for the first retry since the last successful READY/RESUMED. */
  attempt: number;
  delayMs: number;
  /** Whether the next connection will RESUME (true) or IDENTIFY (false). */
  resume: boolean;
  /** Why: a close code, 'zombie', 'reconnect-requested', 'handshake-timeout', 'gateway-url'… */
  reason: string;
}

/** Events of the client itself (camelCase, so they never clash with dispatch names). */
export interface GatewayClientEvents {
  /** READY, after the cache has taken it in. */
  ready: ReadyData;
  /** A RESUME succeeded; the replay has been dispatched. */
  resumed: Record<string, never>;
  /**
   * A message, exactly once per channel and in `seq` order, whether it came live, from a RESUME
   * replay or from a REST gap-fill. Deleted messages the client never saw are skipped.
   */
  message: Message;
  /** An edit of a message already delivered through `message` (never of one still pending). */
  messageUpdate: Message;
  /** A deletion of a message already delivered through `message` (bulk deletes arrive one by one). */
  messageDelete: MessageDeleteEvent;
  /** Every dispatch, raw, in arrival order (after the typed event of the same name). */
  dispatch: RawDispatch;
  stateChange: { from: GatewayState; to: GatewayState };
  reconnecting: ReconnectInfo;
  /** The socket closed (by either side); `willReconnect` says whether the client carries on. */
  disconnect: { code: number; reason: string; willReconnect: boolean };
  error: GatewayError;
  /** Diagnostics worth a log line in development. */
  debug: string;
}

export type GatewayEvents = GatewayDispatchEvents & GatewayClientEvents;
