import type { Message, SyncMessage } from '@concord/protocol';
import { create } from 'zustand';

/** A message sent from this tab that the server has not confirmed yet (or refused). */
export interface PendingMessage {
  nonce: string;
  channelId: string;
  content: string;
  replyTo: string | undefined;
  status: 'pending' | 'failed';
  createdAt: number;
}

/** The loaded window of one channel: a contiguous run of seqs, newest at the end. */
export interface ChannelMessages {
  /** Live messages, ascending by seq (tombstones dropped). */
  items: Message[];
  /** The lowest seq fetched, tombstones included (the next page is before it). */
  oldestSeq: number;
  /** The highest seq held. */
  newestSeq: number;
  hasMoreBefore: boolean;
  loadingBefore: boolean;
}

interface MessagesState {
  byChannel: Record<string, ChannelMessages>;
  pending: Record<string, PendingMessage[]>;
}

export const useMessages = create<MessagesState>(() => ({ byChannel: {}, pending: {} }));

function setChannel(channelId: string, change: (current: ChannelMessages) => ChannelMessages | undefined): void {
  const state = useMessages.getState();
  const current = state.byChannel[channelId];
  if (current === undefined) return;
  const next = change(current);
  if (next !== undefined && next !== current)
    useMessages.setState({ byChannel: { ...state.byChannel, [channelId]: next } });
}

/** Merges messages into a seq-ascending list: a seq already held is replaced, never doubled. */
export function mergeBySeq(items: readonly Message[], incoming: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of items) bySeq.set(message.seq, message);
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A page read with `before_seq` (descending, tombstones included), as the newest window or an older one. */
export function applyPage(channelId: string, page: readonly SyncMessage[], pageSize: number, newest: boolean): void {
  const live = page.filter((message) => message.deleted !== true);
  const lowest = page.reduce((min, message) => Math.min(min, message.seq), Number.POSITIVE_INFINITY);
  const state = useMessages.getState();
  const current = newest ? undefined : state.byChannel[channelId];
  const items = mergeBySeq(current?.items ?? [], live);
  const highest = page.reduce((max, message) => Math.max(max, message.seq), 0);
  const oldestSeq = Number.isFinite(lowest) ? lowest : (current?.oldestSeq ?? 1);
  useMessages.setState({
    byChannel: {
      ...state.byChannel,
      [channelId]: {
        items,
        oldestSeq: Math.min(oldestSeq, current?.oldestSeq ?? oldestSeq),
        newestSeq: Math.max(highest, current?.newestSeq ?? 0),
        hasMoreBefore: page.length >= pageSize && oldestSeq > 1,
        loadingBefore: false,
      },
    },
  });
}

export function setLoadingBefore(channelId: string, loading: boolean): void {
  setChannel(channelId, (current) => ({ ...current, loadingBefore: loading }));
}

/**
 * A message from the live stream or a send response. Only channels with a loaded window take it;
 * returns false when it leaves a hole after the window (the caller fetches the missing run).
 */
export function upsertMessage(message: Message): boolean {
  let contiguous = true;
  setChannel(message.channel_id, (current) => {
    if (message.seq > current.newestSeq + 1) contiguous = false;
    return {
      ...current,
      items: mergeBySeq(current.items, [message]),
      newestSeq: Math.max(current.newestSeq, message.seq),
    };
  });
  return contiguous;
}

export function replaceMessage(message: Message): void {
  setChannel(message.channel_id, (current) => {
    const index = current.items.findIndex((item) => item.id === message.id);
    if (index < 0) return current;
    const items = current.items.slice();
    items[index] = { ...items[index], ...message };
    return { ...current, items };
  });
}

export function patchMessage(channelId: string, messageId: string, patch: (message: Message) => Message): void {
  setChannel(channelId, (current) => {
    const index = current.items.findIndex((item) => item.id === messageId);
    const found = current.items[index];
    if (found === undefined) return current;
    const items = current.items.slice();
    items[index] = patch(found);
    return { ...current, items };
  });
}

export function removeMessage(channelId: string, messageId: string): void {
  setChannel(channelId, (current) => {
    const items = current.items.filter((item) => item.id !== messageId);
    return items.length === current.items.length ? current : { ...current, items };
  });
}

export function dropChannel(channelId: string): void {
  const { [channelId]: _gone, ...rest } = useMessages.getState().byChannel;
  useMessages.setState({ byChannel: rest });
}

export function addPending(pending: PendingMessage): void {
  const state = useMessages.getState();
  const list = (state.pending[pending.channelId] ?? []).filter((item) => item.nonce !== pending.nonce);
  useMessages.setState({ pending: { ...state.pending, [pending.channelId]: [...list, pending] } });
}

export function setPendingStatus(channelId: string, nonce: string, status: PendingMessage['status']): void {
  const state = useMessages.getState();
  const list = state.pending[channelId];
  if (list === undefined) return;
  useMessages.setState({
    pending: {
      ...state.pending,
      [channelId]: list.map((item) => (item.nonce === nonce ? { ...item, status } : item)),
    },
  });
}

export function removePending(channelId: string, nonce: string | number | undefined): void {
  if (nonce === undefined) return;
  const state = useMessages.getState();
  const list = state.pending[channelId];
  if (list === undefined || !list.some((item) => item.nonce === String(nonce))) return;
  useMessages.setState({
    pending: { ...state.pending, [channelId]: list.filter((item) => item.nonce !== String(nonce)) },
  });
}
