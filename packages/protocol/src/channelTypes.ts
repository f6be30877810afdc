/** Discord's channel types that Concord implements. */
export const ChannelType = {
  GUILD_TEXT: 0,
  DM: 1,
  GROUP_DM: 3,
  GUILD_CATEGORY: 4,
} as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

export const MessageType = {
  DEFAULT: 0,
  RECIPIENT_ADD: 1,
  RECIPIENT_REMOVE: 2,
  CHANNEL_NAME_CHANGE: 4,
  GUILD_MEMBER_JOIN: 7,
  REPLY: 19,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const OverwriteType = { ROLE: 0, MEMBER: 1 } as const;
export type OverwriteType = (typeof OverwriteType)[keyof typeof OverwriteType];

/** Limits shared by server validation and clients. */
export const Limits = {
  messageContent: 4000,
  groupDmRecipients: 25,
  guildName: { min: 2, max: 100 },
  channelName: { min: 1, max: 100 },
  channelTopic: 1024,
  roleName: 100,
  username: { min: 2, max: 32 },
  password: { min: 8, max: 256 },
  rolesPerGuild: 250,
  channelsPerGuild: 500,
  guildsPerUser: 200,
  reactionsPerMessage: 20,
  nonce: 64,
} as const;
