import { ChannelType, type Message } from '@concord/protocol';
import type { GatewayClient } from '@concord/sdk';
import { gatewayStateChanged } from '../store/connection';
import { rememberUsers, snapshotCache, type CachePart } from '../store/entities';
import {
  dropChannel,
  patchMessage,
  removeMessage,
  removePending,
  replaceMessage,
  upsertMessage,
} from '../store/messages';
import { addMention, markerOf, setMarker, setMarkers } from '../store/readStates';
import { navigate, useRoute } from '../store/route';
import { startTyping, stopTyping } from '../store/typing';
import { fillGap } from './history';
import { applyMembersChunk, requestMemberPresence, requestPresencesIfMissing } from './memberChunks';
import { notifyIfHidden } from './notify';
import { applyReaction } from './reactions';

/** Which parts of the entity snapshot each dispatch changes. */
const PARTS: Partial<Record<string, CachePart[]>> = {
  READY: ['me', 'guilds', 'channels', 'members', 'presences'],
  GUILD_CREATE: ['guilds', 'channels', 'members', 'presences'],
  GUILD_UPDATE: ['guilds'],
  GUILD_DELETE: ['guilds', 'channels', 'members'],
  GUILD_MEMBER_ADD: ['members'],
  GUILD_MEMBER_UPDATE: ['members'],
  GUILD_MEMBER_REMOVE: ['members'],
  GUILD_ROLE_CREATE: ['guilds'],
  GUILD_ROLE_UPDATE: ['guilds'],
  GUILD_ROLE_DELETE: ['guilds'],
  CHANNEL_CREATE: ['channels'],
  CHANNEL_UPDATE: ['channels'],
  CHANNEL_DELETE: ['channels'],
  CHANNEL_RECIPIENT_ADD: ['channels'],
  CHANNEL_RECIPIENT_REMOVE: ['channels'],
  MESSAGE_CREATE: ['channels'],
  PRESENCE_UPDATE: ['presences'],
  USER_UPDATE: ['me'],
};

/** Connects the gateway client's events to the stores; returns a function that disconnects them. */
export function wireGateway(gw: GatewayClient): () => void {
  const offs: Array<() => void> = [];
  const on: GatewayClient['on'] = (event, listener) => {
    const off = gw.on(event, listener);
    offs.push(off);
    return off;
  };

  on('stateChange', ({ to }) => gatewayStateChanged(to));
  on('dispatch', ({ t, d }) => {
    const parts = PARTS[t];
    if (parts !== undefined) snapshotCache(gw.cache, parts);
    if (t === 'GUILD_MEMBERS_CHUNK') applyMembersChunk(gw, d);
  });
  on('GUILD_CREATE', (guild) => requestPresencesIfMissing(gw, guild));
  on('GUILD_MEMBER_ADD', (member) => requestMemberPresence(gw, member.guild_id, member.user.id));
  on('READY', (ready) => {
    setMarkers(
      Object.fromEntries(
        ready.read_state.entries.map((entry) => [entry.id, { lastSeq: entry.last_seq, mentions: entry.mention_count }]),
      ),
    );
  });
  on('MESSAGE_ACK', (ack) => setMarker(ack.channel_id, { lastSeq: ack.seq, mentions: ack.mention_count }));
  on('CHANNEL_DELETE', (channel) => {
    dropChannel(channel.id);
    const { route } = useRoute.getState();
    if (route.kind === 'guild' && route.channelId === channel.id) {
      navigate({ kind: 'guild', guildId: route.guildId, channelId: undefined }, true);
    } else if (route.kind === 'home' && route.channelId === channel.id) {
      navigate({ kind: 'home', channelId: undefined }, true);
    }
  });
  // Left, kicked, banned, or the guild was deleted (not an outage): away from its pages.
  on('GUILD_DELETE', (event) => {
    const { route } = useRoute.getState();
    if (event.unavailable !== true && route.kind === 'guild' && route.guildId === event.id) {
      navigate({ kind: 'home', channelId: undefined }, true);
    }
  });

  // Messages come from the SDK's sync: exactly once and in order per channel, across reconnects.
  on('message', (message) => onMessage(gw, message));
  on('messageUpdate', (message) => {
    rememberUsers([message.author, ...message.mentions]);
    replaceMessage(message);
  });
  on('messageDelete', (event) => removeMessage(event.channel_id, event.id));

  on('MESSAGE_REACTION_ADD', (event) => applyReaction(event, +1, gw.cache.user?.id));
  on('MESSAGE_REACTION_REMOVE', (event) => applyReaction(event, -1, gw.cache.user?.id));
  on('MESSAGE_REACTION_REMOVE_ALL', (event) =>
    patchMessage(event.channel_id, event.message_id, (message) => ({ ...message, reactions: [] })),
  );
  on('MESSAGE_REACTION_REMOVE_EMOJI', (event) =>
    patchMessage(event.channel_id, event.message_id, (message) => ({
      ...message,
      reactions: (message.reactions ?? []).filter((reaction) => reaction.emoji.name !== event.emoji.name),
    })),
  );
  on('TYPING_START', (event) => {
    if (event.user_id === gw.cache.user?.id) return;
    if (event.member !== undefined) rememberUsers([event.member.user]);
    startTyping(event.channel_id, event.user_id);
  });
  return () => {
    for (const off of offs) off();
  };
}

function onMessage(gw: GatewayClient, message: Message): void {
  const me = gw.cache.user?.id;
  rememberUsers([message.author, ...message.mentions]);
  stopTyping(message.channel_id, message.author.id);
  removePending(message.channel_id, message.nonce);
  if (!upsertMessage(message)) void fillGap(message.channel_id);
  if (message.author.id === me) return;
  const marker = markerOf(message.channel_id);
  if (message.seq <= marker.lastSeq) return;
  const channel = gw.cache.channels.get(message.channel_id);
  const isDm = channel?.type === ChannelType.DM || channel?.type === ChannelType.GROUP_DM;
  const mentionsMe = me !== undefined && mentions(message, me, gw);
  if (mentionsMe) addMention(message.channel_id);
  if (isDm || mentionsMe) notifyIfHidden(message, channel);
}

function mentions(message: Message, me: string, gw: GatewayClient): boolean {
  if (message.mention_everyone) return true;
  if (message.mentions.some((user) => user.id === me)) return true;
  if (message.guild_id === undefined || message.mention_roles.length === 0) return false;
  const roles = gw.cache.members.get(message.guild_id)?.get(me)?.roles ?? [];
  return message.mention_roles.some((role) => roles.includes(role));
}
