import { ChannelType, type Channel, type Message } from '@concord/protocol';
import type { ChannelSync } from './ChannelSync';
import type { Dispatch } from './ClientCache';

/**
 * Hands ChannelSync what it needs from a dispatch: channel heads (READY, GUILD_CREATE, channel
 * events), messages and their edits/deletions, and which channels went away. `goneChannels` are the
 * channels of a GUILD_DELETE, read from the cache before it forgot them.
 */
export function feedSync(sync: ChannelSync, dispatch: Dispatch, goneChannels: readonly string[]): void {
  switch (dispatch.t) {
    case 'READY':
      for (const channel of dispatch.d.private_channels) observeChannel(sync, channel);
      return;
    case 'GUILD_CREATE':
      for (const channel of dispatch.d.channels) observeChannel(sync, channel);
      return;
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
      return observeChannel(sync, dispatch.d);
    case 'CHANNEL_DELETE':
      return sync.forget(dispatch.d.id);
    case 'GUILD_DELETE':
      // `unavailable` is an outage, not a departure: the channels come back with GUILD_CREATE.
      if (dispatch.d.unavailable !== true) for (const channelId of goneChannels) sync.forget(channelId);
      return;
    case 'MESSAGE_CREATE':
      if (hasSeq(dispatch.d)) sync.offer(dispatch.d);
      return;
    case 'MESSAGE_UPDATE':
      // Only a whole message can stand in for one not yet delivered; Discord also sends partial updates.
      if (hasSeq(dispatch.d) && typeof dispatch.d.author === 'object') sync.update(dispatch.d);
      return;
    case 'MESSAGE_DELETE':
      if (hasSeq(dispatch.d)) sync.remove(dispatch.d);
      return;
    case 'MESSAGE_DELETE_BULK': {
      const { ids, seqs, channel_id: channelId, guild_id: guildId } = dispatch.d;
      ids.forEach((id, index) => {
        const seq = seqs[index];
        if (typeof seq !== 'number') return;
        sync.remove(
          guildId === undefined
            ? { id, channel_id: channelId, seq }
            : { id, channel_id: channelId, guild_id: guildId, seq },
        );
      });
      return;
    }
    default:
      return;
  }
}

function observeChannel(sync: ChannelSync, channel: Channel): void {
  // Categories hold no messages; tracking them would only fill the cursor store.
  if (channel.type === ChannelType.GUILD_CATEGORY || typeof channel.last_seq !== 'number') return;
  sync.observeHead(channel.id, channel.last_seq);
}

/** Guards against a server that omits Concord's `seq` (e.g. an older node): such events pass through unsynced. */
function hasSeq<T extends Pick<Message, 'seq' | 'channel_id'>>(value: T): boolean {
  return Number.isInteger(value.seq) && typeof value.channel_id === 'string';
}
