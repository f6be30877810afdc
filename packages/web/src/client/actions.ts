import type { Message } from '@concord/protocol';
import { ApiRequestError } from '@concord/sdk';
import { useEntities } from '../store/entities';
import { addPending, removePending, setPendingStatus, upsertMessage, useMessages } from '../store/messages';
import { markerOf, setMarker } from '../store/readStates';
import { fillGap } from './history';
import { client } from './session';

/** Turns "@name" into "<@id>" for users the client knows (Discord's composer does the same). */
export function encodeMentions(content: string, guildId: string | undefined): string {
  const { members, users } = useEntities.getState();
  const byName = new Map<string, string>();
  for (const user of Object.values(users)) byName.set(user.username.toLowerCase(), user.id);
  if (guildId !== undefined) {
    for (const member of Object.values(members[guildId] ?? {}))
      byName.set(member.user.username.toLowerCase(), member.user.id);
  }
  return content.replace(/(^|[\s(])@([a-z0-9_.]{2,32})\b/gi, (whole, before: string, name: string) => {
    const id = byName.get(name.toLowerCase());
    return id === undefined ? whole : `${before}<@${id}>`;
  });
}

function newNonce(): string {
  // Numeric like Discord's nonces, and unique per tab: time in ms and a random tail.
  return `${Date.now()}${Math.floor(Math.random() * 1e6)
    .toString()
    .padStart(6, '0')}`;
}

/** Optimistic send: shown as pending at once, confirmed by the response or the gateway (same nonce). */
export function sendMessage(channelId: string, content: string, replyTo: string | undefined, guildId?: string): void {
  const nonce = newNonce();
  addPending({
    nonce,
    channelId,
    content: encodeMentions(content, guildId),
    replyTo,
    status: 'pending',
    createdAt: Date.now(),
  });
  void deliver(channelId, nonce);
}

/** Sends a failed message again with the same nonce: the server stores it at most once. */
export function retryMessage(channelId: string, nonce: string): void {
  setPendingStatus(channelId, nonce, 'pending');
  void deliver(channelId, nonce);
}

export function discardMessage(channelId: string, nonce: string): void {
  removePending(channelId, nonce);
}

async function deliver(channelId: string, nonce: string): Promise<void> {
  const pending = useMessages.getState().pending[channelId]?.find((item) => item.nonce === nonce);
  if (pending === undefined) return;
  try {
    const message = await client().api.sendMessage(channelId, {
      content: pending.content,
      nonce,
      enforce_nonce: true,
      ...(pending.replyTo === undefined ? {} : { message_reference: { message_id: pending.replyTo } }),
    });
    confirmed(message);
  } catch {
    setPendingStatus(channelId, nonce, 'failed');
  }
}

function confirmed(message: Message): void {
  removePending(message.channel_id, message.nonce);
  if (!upsertMessage(message)) void fillGap(message.channel_id);
  void ackMessage(message.channel_id, message.id, message.seq);
}

export async function editMessage(
  channelId: string,
  messageId: string,
  content: string,
  guildId?: string,
): Promise<void> {
  await client().api.editMessage(channelId, messageId, { content: encodeMentions(content, guildId) });
}

export async function deleteMessage(channelId: string, messageId: string): Promise<void> {
  await client().api.deleteMessage(channelId, messageId);
}

export async function toggleReaction(message: Message, emoji: string): Promise<void> {
  const mine = message.reactions?.find((reaction) => reaction.emoji.name === emoji)?.me === true;
  const { api } = client();
  if (mine) await api.unreact(message.channel_id, message.id, emoji);
  else await api.react(message.channel_id, message.id, emoji);
}

/** Moves the read marker (all of the user's devices follow through MESSAGE_ACK). */
export async function ackMessage(channelId: string, messageId: string, seq: number): Promise<void> {
  const before = markerOf(channelId);
  if (before.lastSeq >= seq) return;
  setMarker(channelId, { lastSeq: seq, mentions: 0 });
  try {
    await client().api.ack(channelId, messageId);
  } catch (error) {
    // A message deleted meanwhile is fine to skip; anything else is retried by the next ack.
    if (!(error instanceof ApiRequestError) && markerOf(channelId).lastSeq === seq) setMarker(channelId, before);
  }
}

const lastTyping = new Map<string, number>();

/** POST /typing at most every 8 s per channel while the user types. */
export function notifyTyping(channelId: string): void {
  const now = Date.now();
  if (now - (lastTyping.get(channelId) ?? 0) < 8000) return;
  lastTyping.set(channelId, now);
  void client()
    .api.typing(channelId)
    .catch(() => lastTyping.delete(channelId));
}

export function typingStopped(channelId: string): void {
  lastTyping.delete(channelId);
}
