import { create } from 'zustand';

export type Modal =
  | { kind: 'add-guild'; inviteCode?: string }
  | { kind: 'guild-settings'; guildId: string }
  | { kind: 'user-settings' }
  | { kind: 'new-group-dm' }
  | { kind: 'invite'; code: string; guildName: string }
  | { kind: 'user-profile'; userId: string; guildId: string | undefined };

interface UiState {
  modal: Modal | undefined;
  /** The message being replied to, per channel. */
  replyTo: Record<string, string | undefined>;
  /** The message being edited inline (one at a time). */
  editing: string | undefined;
  /** Where "new messages" goes: the read marker when the channel was opened, if something was unread. */
  openedMarker: Record<string, number>;
  /** Phone widths: which drawer is open over the chat. */
  drawer: 'none' | 'nav' | 'members';
  membersShown: boolean;
}

export const useUi = create<UiState>(() => ({
  modal: undefined,
  replyTo: {},
  editing: undefined,
  openedMarker: {},
  drawer: 'none',
  membersShown: true,
}));

export function openModal(modal: Modal | undefined): void {
  useUi.setState({ modal });
}

export function setReplyTo(channelId: string, messageId: string | undefined): void {
  useUi.setState({ replyTo: { ...useUi.getState().replyTo, [channelId]: messageId } });
}

export function setEditing(messageId: string | undefined): void {
  useUi.setState({ editing: messageId });
}
