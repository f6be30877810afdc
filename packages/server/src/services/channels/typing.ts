import { ChannelType, ErrorCode, Permission, type TypingStart } from '@concord/protocol';
import type { Clock } from '../../domain/clock';
import { DomainError } from '../../domain/errors';
import type { EventPublisher } from '../../domain/events';
import type { PresenceStore } from '../../presence/PresenceStore';
import type { UserRecord } from '../../stores/records';
import { toGuildMember } from '../../wire/guilds';
import { requirePermission, type ChannelAccess } from '../AccessService';

/** Shorter than the ~10 s a client shows an indicator for, so a steady typer never flickers. */
export const TYPING_REPEAT_WINDOW_MS = 5_000;

/**
 * Announces that `user` is typing in the channel. Typing is ephemeral: nothing is written, the event
 * reaches only those who may view the channel (guild) or its recipients (private).
 */
export async function announceTyping(
  deps: { events: EventPublisher; clock: Clock; presence: PresenceStore },
  context: ChannelAccess,
  user: UserRecord,
): Promise<void> {
  const { channel, guild } = context;
  if (channel.type === ChannelType.GUILD_CATEGORY) throw new DomainError(ErrorCode.CannotSendInNonTextChannel);
  requirePermission(context.permissions, Permission.SEND_MESSAGES);
  // Clients repeat typing calls while the user types; one TYPING_START per window is enough.
  if (!(await deps.presence.startTyping(channel.id, user.id, deps.clock.now(), TYPING_REPEAT_WINDOW_MS))) return;
  const data: TypingStart = {
    channel_id: channel.id,
    user_id: user.id,
    timestamp: Math.floor(deps.clock.now() / 1000),
  };
  if (guild === undefined) {
    deps.events.publish({
      type: 'TYPING_START',
      data,
      route: { kind: 'private', channelId: channel.id, recipientIds: channel.recipientIds },
    });
    return;
  }
  data.guild_id = guild.guild.id;
  data.member = toGuildMember(guild.member, user);
  deps.events.publish({
    type: 'TYPING_START',
    data,
    route: { kind: 'guild', guildId: guild.guild.id, channelId: channel.id },
  });
}
