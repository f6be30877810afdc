/** Discord gateway v10 opcodes. */
export const GatewayOpcode = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  PRESENCE_UPDATE: 3,
  VOICE_STATE_UPDATE: 4,
  RESUME: 6,
  RECONNECT: 7,
  REQUEST_GUILD_MEMBERS: 8,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;
export type GatewayOpcode = (typeof GatewayOpcode)[keyof typeof GatewayOpcode];

/**
 * Close codes: Discord's 4000–4014 with their meaning for the client, plus Concord's 4900 for a
 * connection closed because it read too slowly (its queue filled up): the client should RESUME.
 */
export const GatewayCloseCode = {
  UNKNOWN_ERROR: 4000,
  UNKNOWN_OPCODE: 4001,
  DECODE_ERROR: 4002,
  NOT_AUTHENTICATED: 4003,
  AUTHENTICATION_FAILED: 4004,
  ALREADY_AUTHENTICATED: 4005,
  INVALID_SEQ: 4007,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  SHARDING_REQUIRED: 4011,
  INVALID_API_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
  SLOW_CONSUMER: 4900,
} as const;
export type GatewayCloseCode = (typeof GatewayCloseCode)[keyof typeof GatewayCloseCode];

/** Codes after which a client must not reconnect with the same settings (Discord's list). */
export const NON_RECONNECTABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayCloseCode.AUTHENTICATION_FAILED,
  GatewayCloseCode.INVALID_SHARD,
  GatewayCloseCode.SHARDING_REQUIRED,
  GatewayCloseCode.INVALID_API_VERSION,
  GatewayCloseCode.INVALID_INTENTS,
  GatewayCloseCode.DISALLOWED_INTENTS,
]);

/** Codes after which the session cannot be resumed: identify again. */
export const NON_RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  GatewayCloseCode.INVALID_SEQ,
  GatewayCloseCode.SESSION_TIMED_OUT,
  ...NON_RECONNECTABLE_CLOSE_CODES,
]);

/** Gateway intents (bits of IDENTIFY's `intents`). */
export const GatewayIntent = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_MODERATION: 1 << 2,
  GUILD_EXPRESSIONS: 1 << 3,
  GUILD_INTEGRATIONS: 1 << 4,
  GUILD_WEBHOOKS: 1 << 5,
  GUILD_INVITES: 1 << 6,
  GUILD_VOICE_STATES: 1 << 7,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  DIRECT_MESSAGE_TYPING: 1 << 14,
  MESSAGE_CONTENT: 1 << 15,
  GUILD_SCHEDULED_EVENTS: 1 << 16,
  AUTO_MODERATION_CONFIGURATION: 1 << 20,
  AUTO_MODERATION_EXECUTION: 1 << 21,
  GUILD_MESSAGE_POLLS: 1 << 24,
  DIRECT_MESSAGE_POLLS: 1 << 25,
} as const;

export const ALL_INTENTS: number = Object.values(GatewayIntent).reduce((all, bit) => all | bit, 0);

/** Intents Discord calls privileged; Concord grants them to every bot (the operator owns the server). */
export const PRIVILEGED_INTENTS: number =
  GatewayIntent.GUILD_MEMBERS | GatewayIntent.GUILD_PRESENCES | GatewayIntent.MESSAGE_CONTENT;
