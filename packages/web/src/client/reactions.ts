import type { MessageReactionEvent, Reaction } from '@concord/protocol';
import { patchMessage } from '../store/messages';

/** MESSAGE_REACTION_ADD (+1) or _REMOVE (-1) applied to the loaded copy of the message. */
export function applyReaction(event: MessageReactionEvent, delta: 1 | -1, me: string | undefined): void {
  const byMe = event.user_id === me;
  patchMessage(event.channel_id, event.message_id, (message) => {
    const reactions = message.reactions ?? [];
    const existing = reactions.find((reaction) => reaction.emoji.name === event.emoji.name);
    if (existing === undefined && delta < 0) return message;
    // The sender's own reaction may already be counted (optimistic), so "me" decides for it.
    if (existing !== undefined && byMe && existing.me === delta > 0) return message;
    const base: Reaction = existing ?? {
      count: 0,
      count_details: { burst: 0, normal: 0 },
      me: false,
      me_burst: false,
      emoji: event.emoji,
      burst_colors: [],
    };
    const count = base.count + delta;
    const updated: Reaction = {
      ...base,
      count,
      count_details: { ...base.count_details, normal: Math.max(0, base.count_details.normal + delta) },
      me: byMe ? delta > 0 : base.me,
    };
    const next =
      existing === undefined
        ? [...reactions, updated]
        : reactions.map((reaction) => (reaction === existing ? updated : reaction));
    return { ...message, reactions: next.filter((reaction) => reaction.count > 0) };
  });
}
