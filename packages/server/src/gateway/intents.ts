import { GatewayIntent } from '@concord/protocol';

/**
 * Which intent a session needs to receive an event: the guild flavour for events routed through a
 * guild, the direct-message flavour for private channels. Events not listed need no intent.
 */
const GUILD_INTENT: Record<string, number> = {
  GUILD_CREATE: GatewayIntent.GUILDS,
  GUILD_UPDATE: GatewayIntent.GUILDS,
  GUILD_DELETE: GatewayIntent.GUILDS,
  GUILD_ROLE_CREATE: GatewayIntent.GUILDS,
  GUILD_ROLE_UPDATE: GatewayIntent.GUILDS,
  GUILD_ROLE_DELETE: GatewayIntent.GUILDS,
  CHANNEL_CREATE: GatewayIntent.GUILDS,
  CHANNEL_UPDATE: GatewayIntent.GUILDS,
  CHANNEL_DELETE: GatewayIntent.GUILDS,
  CHANNEL_PINS_UPDATE: GatewayIntent.GUILDS,
  GUILD_MEMBER_ADD: GatewayIntent.GUILD_MEMBERS,
  GUILD_MEMBER_UPDATE: GatewayIntent.GUILD_MEMBERS,
  GUILD_MEMBER_REMOVE: GatewayIntent.GUILD_MEMBERS,
  GUILD_BAN_ADD: GatewayIntent.GUILD_MODERATION,
  GUILD_BAN_REMOVE: GatewayIntent.GUILD_MODERATION,
  INVITE_CREATE: GatewayIntent.GUILD_INVITES,
  INVITE_DELETE: GatewayIntent.GUILD_INVITES,
  PRESENCE_UPDATE: GatewayIntent.GUILD_PRESENCES,
  MESSAGE_CREATE: GatewayIntent.GUILD_MESSAGES,
  MESSAGE_UPDATE: GatewayIntent.GUILD_MESSAGES,
  MESSAGE_DELETE: GatewayIntent.GUILD_MESSAGES,
  MESSAGE_DELETE_BULK: GatewayIntent.GUILD_MESSAGES,
  MESSAGE_REACTION_ADD: GatewayIntent.GUILD_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE: GatewayIntent.GUILD_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE_ALL: GatewayIntent.GUILD_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE_EMOJI: GatewayIntent.GUILD_MESSAGE_REACTIONS,
  TYPING_START: GatewayIntent.GUILD_MESSAGE_TYPING,
};

const PRIVATE_INTENT: Record<string, number> = {
  MESSAGE_CREATE: GatewayIntent.DIRECT_MESSAGES,
  MESSAGE_UPDATE: GatewayIntent.DIRECT_MESSAGES,
  MESSAGE_DELETE: GatewayIntent.DIRECT_MESSAGES,
  MESSAGE_DELETE_BULK: GatewayIntent.DIRECT_MESSAGES,
  CHANNEL_PINS_UPDATE: GatewayIntent.DIRECT_MESSAGES,
  MESSAGE_REACTION_ADD: GatewayIntent.DIRECT_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE: GatewayIntent.DIRECT_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE_ALL: GatewayIntent.DIRECT_MESSAGE_REACTIONS,
  MESSAGE_REACTION_REMOVE_EMOJI: GatewayIntent.DIRECT_MESSAGE_REACTIONS,
  TYPING_START: GatewayIntent.DIRECT_MESSAGE_TYPING,
};

export function requiredIntent(type: string, scope: 'guild' | 'private' | 'user'): number {
  if (scope === 'guild') return GUILD_INTENT[type] ?? 0;
  if (scope === 'private') return PRIVATE_INTENT[type] ?? 0;
  return 0;
}

/** Message events whose content is withheld from bots without MESSAGE_CONTENT. */
export const CONTENT_EVENTS: ReadonlySet<string> = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE']);
