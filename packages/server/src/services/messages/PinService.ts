import { Permission, hasPermission, type SyncMessage } from '@concord/protocol';
import type { MessageRecord } from '../../stores/records';
import { toChannelPinsUpdateEvent } from '../../wire/messages';
import { requirePermission, type ChannelAccess } from '../AccessService';
import type { ServiceDeps } from '../index';
import { channelRoute } from './eventRoute';
import { requireLive } from './messageRules';
import type { MessageViews } from './MessageViews';

/** Store pages read per round while looking for pinned messages. */
const SCAN_PAGE = 100;

/**
 * Pinned messages. In a guild pinning takes MANAGE_MESSAGES; in a DM or group DM any recipient may
 * pin, as on Discord. Every change announces CHANNEL_PINS_UPDATE so clients refetch the list.
 */
export class PinService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly views: MessageViews,
  ) {}

  /**
   * Pinned messages, newest first. The store has no index of pins, so this walks the channel from
   * its head; a `listPinned` store query would make it one read.
   */
  async list(userId: string, channelId: string): Promise<SyncMessage[]> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    if (!hasPermission(context.permissions, Permission.READ_MESSAGE_HISTORY)) return [];
    const pinned: MessageRecord[] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const range = beforeSeq === undefined ? { limit: SCAN_PAGE } : { limit: SCAN_PAGE, beforeSeq };
      const page = await this.deps.store.messages.list(channelId, range);
      for (const message of page) if (message.pinned && !message.deleted) pinned.push(message);
      const last = page[page.length - 1];
      if (page.length < SCAN_PAGE || last === undefined) break;
      beforeSeq = last.seq;
    }
    return this.views.render(channelId, pinned, { viewerId: userId });
  }

  async pin(userId: string, channelId: string, messageId: string): Promise<void> {
    await this.setPinned(userId, channelId, messageId, true);
  }

  async unpin(userId: string, channelId: string, messageId: string): Promise<void> {
    await this.setPinned(userId, channelId, messageId, false);
  }

  private async setPinned(userId: string, channelId: string, messageId: string, pinned: boolean): Promise<void> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    this.requirePinPermission(context);
    const message = requireLive(await this.deps.store.messages.get(channelId, messageId));
    if (message.pinned === pinned) return;
    requireLive(await this.deps.store.messages.setPinned(channelId, messageId, pinned));
    // The store keeps no pin times: a pin is stamped now; after an unpin the latest pin time is unknown.
    const lastPinAt = pinned ? this.deps.clock.now() : null;
    this.deps.events.publish({
      type: 'CHANNEL_PINS_UPDATE',
      data: toChannelPinsUpdateEvent(channelId, context.channel.guildId, lastPinAt),
      route: channelRoute(context.channel),
    });
  }

  private requirePinPermission(context: ChannelAccess): void {
    if (context.guild === undefined) return;
    requirePermission(context.permissions, Permission.MANAGE_MESSAGES);
  }
}
