import Type, { type Static } from 'typebox';
import { Channel } from '../schemas/channels';
import { Nullable, Snowflake } from '../schemas/common';
import { ReadState } from '../schemas/messages';
import { User } from '../schemas/users';

/**
 * Gateway payload schemas (JSON text frames shaped like Discord gateway v10). Client → server
 * payloads are validated with these at the edge; server → client ones document the shapes.
 */

/** Every frame: `{op, d, s, t}`; `s` and `t` only on dispatches. */
export const GatewayFrame = Type.Object({
  op: Type.Integer({ minimum: 0, maximum: 50 }),
  d: Type.Optional(Type.Unknown()),
  s: Type.Optional(Nullable(Type.Integer())),
  t: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
});
export type GatewayFrame = Static<typeof GatewayFrame>;

export const PresenceStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('idle'),
  Type.Literal('dnd'),
  Type.Literal('invisible'),
  Type.Literal('offline'),
]);
export type PresenceStatus = Static<typeof PresenceStatus>;

export const Activity = Type.Object({
  name: Type.String({ maxLength: 128 }),
  type: Type.Integer({ minimum: 0, maximum: 6 }),
  url: Type.Optional(Nullable(Type.String({ maxLength: 512 }))),
  state: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
});
export type Activity = Static<typeof Activity>;

export const PresenceUpdateData = Type.Object({
  since: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  activities: Type.Optional(Type.Array(Activity, { maxItems: 5 })),
  status: PresenceStatus,
  afk: Type.Optional(Type.Boolean()),
});
export type PresenceUpdateData = Static<typeof PresenceUpdateData>;

const ShortString = Type.String({ maxLength: 128 });

export const IdentifyData = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 512 }),
  properties: Type.Object({
    os: Type.Optional(ShortString),
    browser: Type.Optional(ShortString),
    device: Type.Optional(ShortString),
  }),
  intents: Type.Optional(Type.Integer({ minimum: 0, maximum: (1 << 26) - 1 })),
  compress: Type.Optional(Type.Boolean()),
  large_threshold: Type.Optional(Type.Integer({ minimum: 50, maximum: 250 })),
  shard: Type.Optional(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 1, maximum: 1024 })])),
  presence: Type.Optional(PresenceUpdateData),
  /** Discord's own client sends a capabilities bitfield; accepted and ignored. */
  capabilities: Type.Optional(Type.Integer()),
  /** Concord: a stable id of this device, so one device's sessions replace each other. */
  device_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type IdentifyData = Static<typeof IdentifyData>;

export const ResumeData = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 512 }),
  session_id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Nullable(Type.Integer({ minimum: 0 })),
});
export type ResumeData = Static<typeof ResumeData>;

export const HeartbeatData = Nullable(Type.Integer({ minimum: 0 }));

export const RequestGuildMembersData = Type.Object({
  guild_id: Type.Union([Snowflake, Type.Array(Snowflake, { minItems: 1, maxItems: 100 })]),
  query: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  presences: Type.Optional(Type.Boolean()),
  user_ids: Type.Optional(Type.Union([Snowflake, Type.Array(Snowflake, { maxItems: 100 })])),
  nonce: Type.Optional(Type.String({ maxLength: 32 })),
});
export type RequestGuildMembersData = Static<typeof RequestGuildMembersData>;

export const HelloData = Type.Object({ heartbeat_interval: Type.Integer() });
export type HelloData = Static<typeof HelloData>;

export const ClientStatus = Type.Object({
  desktop: Type.Optional(PresenceStatus),
  mobile: Type.Optional(PresenceStatus),
  web: Type.Optional(PresenceStatus),
});
export type ClientStatus = Static<typeof ClientStatus>;

/** PRESENCE_UPDATE, and the entries of `presences` in GUILD_CREATE / GUILD_MEMBERS_CHUNK. */
export const Presence = Type.Object({
  user: Type.Object({ id: Snowflake }),
  guild_id: Type.Optional(Snowflake),
  status: PresenceStatus,
  activities: Type.Array(Activity),
  client_status: ClientStatus,
});
export type Presence = Static<typeof Presence>;

export const UnavailableGuild = Type.Object({ id: Snowflake, unavailable: Type.Boolean() });

export const ReadyData = Type.Object({
  v: Type.Integer(),
  user: User,
  guilds: Type.Array(UnavailableGuild),
  private_channels: Type.Array(Channel),
  session_id: Type.String(),
  session_type: Type.String(),
  resume_gateway_url: Type.String(),
  /** Bots: their application (discord.js reads it). */
  application: Type.Optional(Type.Object({ id: Snowflake, flags: Type.Integer() })),
  /** Shaped like Discord's user READY: the user's read markers, shared by all their devices. */
  read_state: Type.Object({ version: Type.Integer(), partial: Type.Boolean(), entries: Type.Array(ReadState) }),
  /** Presences of users the caller shares a DM with. */
  presences: Type.Array(Presence),
  relationships: Type.Array(Type.Unknown()),
  shard: Type.Optional(Type.Tuple([Type.Integer(), Type.Integer()])),
});
export type ReadyData = Static<typeof ReadyData>;

export const GatewayInfo = Type.Object({ url: Type.String() });
export const GatewayBotInfo = Type.Object({
  url: Type.String(),
  shards: Type.Integer(),
  session_start_limit: Type.Object({
    total: Type.Integer(),
    remaining: Type.Integer(),
    reset_after: Type.Integer(),
    max_concurrency: Type.Integer(),
  }),
});
export type GatewayBotInfo = Static<typeof GatewayBotInfo>;
