import type { Channel, Message } from '@concord/protocol';
import { displayName } from '../store/entities';
import { navigate } from '../store/route';

/** Asks for notification permission (must run from a click). */
export async function enableNotifications(): Promise<NotificationPermission> {
  if (!('Notification' in window)) return 'denied';
  return Notification.requestPermission();
}

export function notificationsAllowed(): boolean {
  return 'Notification' in window && Notification.permission === 'granted';
}

/** A DM or a mention while the tab is hidden: a browser notification (text only; never HTML). */
export function notifyIfHidden(message: Message, channel: Channel | undefined): void {
  if (!document.hidden || !notificationsAllowed()) return;
  const where = channel?.name ? `#${channel.name}` : 'Direct message';
  const title = `${displayName(message.author)} (${where})`;
  const body = message.content.length > 140 ? `${message.content.slice(0, 140)}…` : message.content;
  try {
    const notification = new Notification(title, { body, tag: message.channel_id });
    notification.onclick = () => {
      window.focus();
      const guildId = message.guild_id ?? channel?.guild_id;
      navigate(
        guildId === undefined
          ? { kind: 'home', channelId: message.channel_id }
          : { kind: 'guild', guildId, channelId: message.channel_id },
      );
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the unread badge still shows.
  }
}
